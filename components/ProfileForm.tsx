import { type FormEvent, useState } from 'react';
import useSWR from 'swr';
import { send } from '@/lib/http';
import { LOCALES, type Preferences, THEMES } from '@/lib/preferences';
import { FieldError } from './FieldError';
import { useAsyncAction } from './use-async-action';

interface Profile {
  id: string;
  name: string;
  email: string;
  role: string;
  preferences: Preferences;
}

/** Edits name, theme and locale. The header follows through the session, not through this form. */
export function ProfileForm() {
  const { data, error: loadError, isLoading, mutate } = useSWR<{ profile: Profile }>('/api/profile');
  const [saved, setSaved] = useState(false);
  const { run: save, error: saveError, pending: saving } = useAsyncAction(async (form: FormData) => {
    setSaved(false);
    const result = await send<{ profile: Profile }>('PATCH', '/api/profile', {
      name: String(form.get('name') ?? ''),
      preferences: { theme: form.get('theme'), locale: form.get('locale') },
    });
    await mutate(result, { revalidate: false });
    setSaved(true);
  });

  if (isLoading) return <p className="muted">Loading profile…</p>;
  if (loadError || !data) return <FieldError error={loadError ?? new Error('No profile')} />;
  const { profile } = data;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void save(new FormData(event.currentTarget));
  }

  return (
    <form className="form" onSubmit={onSubmit} aria-label="Profile" key={profile.id}>
      <p className="muted">{profile.email}</p>
      <div className="field">
        <label htmlFor="profile-name">Name</label>
        <input id="profile-name" name="name" defaultValue={profile.name} maxLength={80} required aria-describedby="profile-error" />
      </div>
      <div className="field">
        <label htmlFor="profile-theme">Theme</label>
        <select id="profile-theme" name="theme" defaultValue={profile.preferences.theme}>
          {THEMES.map((theme) => (
            <option key={theme} value={theme}>
              {theme}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="profile-locale">Locale</label>
        <select id="profile-locale" name="locale" defaultValue={profile.preferences.locale}>
          {LOCALES.map((locale) => (
            <option key={locale} value={locale}>
              {locale}
            </option>
          ))}
        </select>
      </div>
      <FieldError error={saveError} id="profile-error" />
      {saved && <p role="status">Saved.</p>}
      <button type="submit" className="button" disabled={saving}>
        {saving ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}
