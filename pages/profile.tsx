import { ProfileForm } from '@/components/ProfileForm';
import { RequireSignIn } from '@/components/RequireSignIn';

export default function ProfilePage() {
  return (
    <RequireSignIn>
      <section className="card">
        <h1>Profile</h1>
        <ProfileForm />
      </section>
    </RequireSignIn>
  );
}
