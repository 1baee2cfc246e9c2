/** What the demo's resource API serves: a few notifications per account of the identity provider. */
export interface Notification {
  id: string;
  text: string;
  createdAt: string;
}

const TEMPLATES = ['Your order has shipped', 'A product on your list is back in stock', 'Your monthly statement is ready'];

/** The account's notifications (demo data, the same on every call: the point is who may read them). */
export function listNotifications(subject: string, now = new Date('2026-12-01T09:00:00Z')): Notification[] {
  return TEMPLATES.map((text, index) => ({
    id: `${subject}-${index + 1}`,
    text,
    createdAt: new Date(now.getTime() - index * 86_400_000).toISOString(),
  }));
}
