import NextAuth, { type NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

/**
 * The bench's peer: stock next-auth v4 as its docs set it up, with no store. The jwt
 * callback merges `name` from `update(data)`, as next-auth's docs show.
 */
export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt' },
  providers: [
    CredentialsProvider({
      credentials: { username: { type: 'text' }, password: { type: 'password' } },
      async authorize(credentials) {
        if (!credentials?.username || credentials.password !== 'stock-password') return null;
        return { id: `user-${credentials.username}`, name: credentials.username, email: `${credentials.username}@stock.test` };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, trigger, session }) {
      if (trigger === 'update' && typeof session?.name === 'string') token.name = session.name;
      return token;
    },
  },
};

export default NextAuth(authOptions);
