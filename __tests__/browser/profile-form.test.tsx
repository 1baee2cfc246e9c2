import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { AppProviders } from '@/components/AppProviders';
import { Header } from '@/components/Header';
import { ProfileForm } from '@/components/ProfileForm';
import { installFakeNetwork, makeSession, REVALIDATE, type FakeNetwork } from '../helpers/fake-network';

function profileOf(network: FakeNetwork) {
  const user = network.session?.user;
  return { profile: { ...user } };
}

describe('the profile form', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(makeSession({ name: 'Alice' }));
    network.route('GET', '/api/profile', () => ({ body: profileOf(network) }));
    network.route('PATCH', '/api/profile', (call) => {
      const { name } = call.body as { name: string };
      if (!name.trim()) return { status: 400, body: { error: 'Name cannot be empty' } };
      network.session = makeSession({ name });
      return { body: profileOf(network), headers: REVALIDATE };
    });
  });

  function renderPage() {
    return render(
      <AppProviders session={network.session}>
        <Header />
        <ProfileForm />
      </AppProviders>,
    );
  }

  it("saving the form updates the header's name from the new session", async () => {
    renderPage();
    const input = await screen.findByLabelText('Name');

    fireEvent.change(input, { target: { value: 'Alice Liddell' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });

    await waitFor(() => expect(screen.getByTestId('header-name').textContent).toBe('Alice Liddell'));
    expect(network.count('POST', '/api/auth/session')).toBe(1);
  });

  it("shows the server's message next to the form when the save is refused", async () => {
    renderPage();
    const input = await screen.findByLabelText('Name');

    fireEvent.change(input, { target: { value: '   ' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });

    expect((await screen.findByRole('alert')).textContent).toBe('Name cannot be empty');
    expect(screen.getByTestId('header-name').textContent).toBe('Alice');
  });
});
