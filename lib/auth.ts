import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { findUserByEmail } from "@/db/queries/accounts";
import { verifyAgainstDummy, verifyPassword } from "@/lib/passwords";
import { consumeRateLimit } from "@/lib/rate-limit";
import { signInSchema } from "@/lib/validations/auth";
import { PEER_IP_HEADER } from "@/lib/client-ip";

/** Too many sign-in attempts: the form says so instead of "wrong password". */
export class SignInRateLimited extends CredentialsSignin {
  code = "rate_limited";
}

// Per account and per address; the account limit stops guessing one password from many addresses.
const SIGN_IN_LIMITS = { perEmail: 10, perIp: 30, periodSeconds: 15 * 60 };

// Lazily configured: `next build` imports this module and must not need a secret or a database.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const db = await getDb();
        const ip = request?.headers?.get(PEER_IP_HEADER) ?? "unknown";
        const [byEmail, byIp] = await Promise.all([
          consumeRateLimit(db, { key: `signin:email:${email}`, limit: SIGN_IN_LIMITS.perEmail, periodSeconds: SIGN_IN_LIMITS.periodSeconds }),
          consumeRateLimit(db, { key: `signin:ip:${ip}`, limit: SIGN_IN_LIMITS.perIp, periodSeconds: SIGN_IN_LIMITS.periodSeconds }),
        ]);
        if (!byEmail.allowed || !byIp.allowed) throw new SignInRateLimited();
        const user = await findUserByEmail(db, email);
        const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
        if (!user || !ok) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
}));
