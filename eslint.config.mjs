import next from "eslint-config-next";

/**
 * Components run in the browser (most are client components): what they import is first-load
 * JavaScript (issue 8 keeps every dashboard route under 180 kB gzip). zod and the schema modules stay
 * on the server; Radix and sonner load on first use through components/ui (dialog, dropdown-menu,
 * sheet, toast), never directly. Type-only imports cost nothing and are allowed.
 */
const clientWeight = {
  files: ["components/**/*.{ts,tsx}"],
  ignores: ["components/ui/*-impl.tsx", "components/ui/sonner.tsx", "components/ui/toast.ts", "components/ui/lazy.tsx"],
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        paths: [
          { name: "zod", message: "Validate on the server (server actions); zod would ship to the browser.", allowTypeImports: true },
          { name: "sonner", message: "Import toast from @/components/ui/toast: sonner loads on first use.", allowTypeImports: true },
        ],
        patterns: [
          {
            regex: "^@/lib/validations/(auth|bots|integrations|settings|webhooks)$",
            message: "These modules build zod schemas; import their constants from a zod-free module (e.g. @/lib/validations/limits).",
            allowTypeImports: true,
          },
          { regex: "^@radix-ui/react-(dialog|dropdown-menu)$", message: "Use @/components/ui/dialog, dropdown-menu or sheet: Radix loads on first use.", allowTypeImports: true },
          { regex: "-impl$", message: "Import the lazy wrapper (@/components/ui/dialog, dropdown-menu, sheet), not its implementation.", allowTypeImports: true },
        ],
      },
    ],
  },
};

const config = [
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "db/migrations/**", "next-env.d.ts"] },
  ...next,
  clientWeight,
];

export default config;
