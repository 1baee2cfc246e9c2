import { ProfileForm } from '@/components/ProfileForm';
import { RequireSignIn } from '@/components/RequireSignIn';
import { SignOutEverywhere } from '@/components/SignOutEverywhere';

export default function ProfilePage() {
  return (
    <RequireSignIn>
      <section className="card">
        <h1>Profile</h1>
        <ProfileForm />
      </section>
      <section className="card" style={{ marginTop: '1.5rem' }}>
        <h2>Sessions</h2>
        <p className="muted">Signs you out on every browser and device, including this one.</p>
        <SignOutEverywhere />
      </section>
    </RequireSignIn>
  );
}
