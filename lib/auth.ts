import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { findUserByEmail } from "@/db/queries/accounts";
import { createSession, revokeSession, SESSION_MAX_AGE_SECONDS } from "@/db/queries/sessions";
import { verifyAgainstDummy, verifyPassword } from "@/lib/passwords";
import { consumeSignInAttempt } from "@/lib/sign-in-limit";
import { signInSchema } from "@/lib/validations/auth";

/** Too many sign-in attempts: the form says so instead of "wrong password". */
export class SignInRateLimited extends CredentialsSignin {
  code = "rate_limited";
}

// Lazily configured: `next build` imports this module and must not need a secret or a database.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  // The cookie is a JWT naming a user_sessions row; getCurrentUser accepts it only while that row is
  // live, so signing out (or "sign out everywhere", or a password change) ends it on the server.
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in" },
  logger: {
    // A refused sign-in is an expected outcome, not a crash: one line instead of a 30-line stack.
    error(error) {
      // By `type`, not `name`: a production build minifies class names (the name was "u").
      const { type, code } = error as Error & { type?: string; code?: string };
      if (type === "CredentialsSignin")
        console.warn(
          `[auth] sign-in refused: ${code === "rate_limited" ? "too many attempts" : "wrong email or password"}`,
        );
      else console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const db = await getDb();
        const headers = request?.headers ?? new Headers();
        if (!(await consumeSignInAttempt(db, { email, headers }))) throw new SignInRateLimited();
        const user = await findUserByEmail(db, email);
        const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
        if (!user || !ok) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = user.id;
        token.sid = await createSession(await getDb(), user.id);
      }
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      if (typeof token.sid === "string") (session as { sessionId?: string }).sessionId = token.sid;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await revokeSession(await getDb(), sid);
    },
  },
}));
