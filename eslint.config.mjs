import next from "eslint-config-next";
import prettier from "eslint-config-prettier";

/**
 * Components run in the browser (most are client components): what they import is first-load
 * JavaScript (every dashboard route stays under 200 kB gzip, see bench/). zod and the schema modules
 * stay on the server. components/ui is shadcn/ui as its docs show it; app components take its menus,
 * dialogs, drawer and toasts through components/lazy, which loads the Radix and sonner code on first
 * use instead of with the page. Type-only imports cost nothing and are allowed.
 */
const clientWeight = {
  files: ["components/**/*.{ts,tsx}"],
  ignores: ["components/ui/**", "components/lazy/**"],
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        paths: [
          {
            name: "zod",
            message: "Validate on the server (server actions); zod would ship to the browser.",
            allowTypeImports: true,
          },
          {
            name: "sonner",
            message: "Import toast from @/components/lazy/toast: sonner loads on first use.",
            allowTypeImports: true,
          },
        ],
        patterns: [
          {
            regex: "^@/lib/validations/(auth|bots|integrations|settings|webhooks)$",
            message:
              "These modules build zod schemas; import their constants from a zod-free module (e.g. @/lib/validations/limits).",
            allowTypeImports: true,
          },
          {
            regex: "^@/components/ui/(dialog|dropdown-menu|sheet|sonner)$",
            message:
              "Import it from @/components/lazy/ (same API): its Radix or sonner code then loads on first use, not with the page.",
            allowTypeImports: true,
          },
        ],
      },
    ],
  },
};

const config = [
  {
    ignores: [
      ".next/**",
      ".bundle/**",
      "node_modules/**",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
      "db/migrations/**",
      "next-env.d.ts",
    ],
  },
  ...next,
  clientWeight,
  prettier,
];

export default config;
