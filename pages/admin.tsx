import type { GetServerSideProps } from 'next';
import { getServerSession } from 'next-auth/next';
import { AdminUsers } from '@/components/AdminUsers';
import { getSessions } from '@/lib/auth';
import { authOptions } from '@/pages/api/auth/[...nextauth]';

interface Props {
  forbidden: boolean;
}

/** Admins only: others get a 403 page, signed-out visitors the sign-in page. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  // getServerSession runs the jwt callback, which compares the token with the store:
  // the role checked here is the current one, not the one at sign-in.
  getSessions().guard(req, res); // getServerSession re-writes the session cookie
  const session = await getServerSession(req, res, authOptions);
  if (!session) return { redirect: { destination: '/signin?callbackUrl=/admin', permanent: false } };
  if (session.user.role !== 'admin') {
    res.statusCode = 403;
    return { props: { forbidden: true } };
  }
  return { props: { forbidden: false } };
};

export default function AdminPage({ forbidden }: Props) {
  if (forbidden) {
    return (
      <section className="card" data-testid="forbidden">
        <h1>403 — Forbidden</h1>
        <p>This page is for admins only.</p>
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Users</h1>
      <p className="muted">A role change reaches the user&apos;s very next request, on every instance.</p>
      <AdminUsers />
    </section>
  );
}
