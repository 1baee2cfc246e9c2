import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { parseStoredPreferences } from '../preferences';
import { precompile, slot } from './precompiled';
import type { Database, Role, UsersTable } from './schema';
import type { NewUser, ProfileChange, SessionGuard, SessionState, SetRoleAsResult, SetRoleResult, UserRecord, UserWithPassword } from './store';

type Db = Kysely<Database> | Transaction<Database>;

function toUser(row: Selectable<UsersTable>): UserWithPassword {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    preferences: parseStoredPreferences(row.preferences),
    sessionVersion: Number(row.session_version),
    sessionEpoch: Number(row.session_epoch),
    revokedBefore: row.revoked_before === null ? null : Number(row.revoked_before),
    disabled: row.disabled_at !== null,
    cartVersion: Number(row.cart_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordHash: row.password_hash,
  };
}

function withoutPassword(user: UserWithPassword): UserRecord {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { passwordHash, ...rest } = user;
  return rest;
}

/** Emails compare case-insensitively: stored lower-cased, looked up lower-cased. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const selectUserById = precompile((db) => db.selectFrom('users').selectAll().where('id', '=', slot<string>(0)));

export async function findUserById(db: Db, id: string): Promise<UserRecord | null> {
  const [row] = (await selectUserById(db, [id])).rows;
  return row ? withoutPassword(toUser(row)) : null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserWithPassword | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function insertUser(db: Db, user: NewUser): Promise<UserRecord | null> {
  const now = Date.now();
  const row = await db
    .insertInto('users')
    .values({
      id: randomUUID(),
      email: normalizeEmail(user.email),
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
      preferences: JSON.stringify(user.preferences ?? {}),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? withoutPassword(toUser(row)) : null;
}

/** Marks the user's sessions stale: the next request re-reads the claims. */
export async function bumpSessionVersion(db: Db, id: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ session_version: sql`session_version + 1`, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
}

const renameSet = () => ({ name: slot<string>(0), session_version: sql<number>`session_version + 1`, updated_at: slot<number>(1) });

/** A name-only change needs no read: one statement, atomic in both dialects. */
const renameUser = precompile((db) => db.updateTable('users').set(renameSet()).where('id', '=', slot<string>(2)).returningAll());

/** The same, for a session that must still be valid (SessionGuard): the check is in the statement. */
const renameUserInSession = precompile((db) =>
  db
    .updateTable('users')
    .set(renameSet())
    .where('id', '=', slot<string>(2))
    .where('session_epoch', '=', slot<number>(3))
    .where('disabled_at', 'is', null)
    .returningAll(),
);

/**
 * Whether the session `guard` names is still valid (the user there, enabled, at its epoch),
 * read in the caller's transaction before its write. PostgreSQL: the row is locked as the
 * write's own UPDATE of it would lock it (FOR NO KEY UPDATE, which foreign-key checks do not
 * wait for), so a revocation or disabling waits for the write's commit, and a write that
 * waited for one re-reads the row as committed and is refused. SQLite: the app's transactions
 * run one at a time on its one connection; should another connection (a script) commit after
 * this read, the write that follows fails (SQLITE_BUSY_SNAPSHOT) instead of landing.
 */
export async function isSessionValid(db: Db, userId: string, guard: SessionGuard, lockRows: boolean): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('session_epoch', '=', guard.sessionEpoch)
    .where('disabled_at', 'is', null)
    .$if(lockRows, (query) => query.forNoKeyUpdate())
    .executeTakeFirst();
  return row !== undefined;
}

function isGuardMet(row: Selectable<UsersTable>, guard: SessionGuard | undefined): boolean {
  return !guard || (Number(row.session_epoch) === guard.sessionEpoch && row.disabled_at === null);
}

async function renameOnly(db: Db, id: string, name: string, guard: SessionGuard | undefined): Promise<UserRecord | null> {
  const { rows } = guard
    ? await renameUserInSession(db, [name, Date.now(), id, guard.sessionEpoch])
    : await renameUser(db, [name, Date.now(), id]);
  const [row] = rows;
  return row ? withoutPassword(toUser(row)) : null;
}

/**
 * Merges a partial profile into the stored one. Preferences are merged in a transaction
 * so that two concurrent saves of different preferences do not lose each other's keys.
 * With `guard`, nothing is written unless the session is still valid (null otherwise).
 */
export async function updateProfile(
  db: Kysely<Database>,
  id: string,
  change: ProfileChange,
  options: { lockRows: boolean; guard?: SessionGuard },
): Promise<UserRecord | null> {
  if (change.preferences === undefined && change.name !== undefined) return renameOnly(db, id, change.name, options.guard);
  return db.transaction().execute(async (trx) => {
    // PostgreSQL (READ COMMITTED) needs the row lock; SQLite runs transactions one at a time.
    const row = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .$if(options.lockRows, (query) => query.forUpdate())
      .executeTakeFirst();
    if (!row || !isGuardMet(row, options.guard)) return null;
    const current = withoutPassword(toUser(row));
    const updated = await trx
      .updateTable('users')
      .set({
        name: change.name ?? current.name,
        preferences: JSON.stringify({ ...current.preferences, ...change.preferences }),
        session_version: sql`session_version + 1`,
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return withoutPassword(toUser(updated));
  });
}

const selectSessionState = precompile((db) =>
  db.selectFrom('users').select(['session_version', 'session_epoch', 'revoked_before', 'disabled_at']).where('id', '=', slot<string>(0)),
);

export async function getSessionState(db: Db, id: string): Promise<SessionState | null> {
  const [row] = (await selectSessionState(db, [id])).rows;
  if (!row) return null;
  return {
    sessionVersion: Number(row.session_version),
    sessionEpoch: Number(row.session_epoch),
    revokedBefore: row.revoked_before === null ? null : Number(row.revoked_before),
    disabled: row.disabled_at !== null,
  };
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('email').execute();
  return rows.map((row) => withoutPassword(toUser(row)));
}

/**
 * Locks and returns the ids of the enabled admins: the rows the last-admin rule counts.
 * PostgreSQL (READ COMMITTED) re-checks each locked row after waiting for it, so an admin
 * demoted or disabled by a transaction that committed meanwhile is not among them.
 * SQLite has no FOR UPDATE; its transactions already run one at a time (one connection).
 */
async function lockEnabledAdmins(trx: Transaction<Database>, lockRows: boolean): Promise<{ id: string; sessionEpoch: number }[]> {
  const rows = await trx
    .selectFrom('users')
    .select(['id', 'session_epoch'])
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .orderBy('id') // every transaction locks the admins in the same order
    .$if(lockRows, (query) => query.forUpdate())
    .execute();
  return rows.map((row) => ({ id: row.id, sessionEpoch: Number(row.session_epoch) }));
}

async function changeRole(trx: Transaction<Database>, id: string, role: Role, enabledAdminIds: string[]): Promise<SetRoleResult> {
  const target = await trx.selectFrom('users').select(['id', 'role']).where('id', '=', id).executeTakeFirst();
  if (!target) return 'unknown-user';
  if (target.role === role) return 'unchanged';
  // Demoting a disabled admin leaves the enabled ones as they are.
  if (target.role === 'admin' && enabledAdminIds.includes(id) && enabledAdminIds.length <= 1) return 'last-admin';
  await trx
    .updateTable('users')
    .set({ role, session_version: sql`session_version + 1`, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
  return 'updated';
}

/**
 * Changes a role in a transaction that counts the enabled admins first, so two admins
 * demoting each other at once cannot leave the app without one.
 */
export async function setRole(
  db: Kysely<Database>,
  id: string,
  role: Role,
  options: { lockRows: boolean },
): Promise<SetRoleResult> {
  return db.transaction().execute(async (trx) => {
    const enabledAdmins = await lockEnabledAdmins(trx, options.lockRows);
    return changeRole(trx, id, role, enabledAdmins.map((admin) => admin.id));
  });
}

/**
 * `setRole` on behalf of `actorId`, whose own role (and with `guard`, session) is read in the
 * same transaction: an admin demoted, disabled or signed out everywhere after their request
 * was authorised cannot still change roles. The actor's row is among the admins locked first,
 * so no other lock is taken before them (two admins' changes cannot deadlock).
 */
export async function setRoleAs(
  db: Kysely<Database>,
  actorId: string,
  id: string,
  role: Role,
  options: { lockRows: boolean; guard?: SessionGuard },
): Promise<SetRoleAsResult> {
  return db.transaction().execute(async (trx) => {
    const enabledAdmins = await lockEnabledAdmins(trx, options.lockRows);
    const actor = enabledAdmins.find((admin) => admin.id === actorId);
    if (options.guard && !(await isActorSessionValid(trx, actorId, actor, options.guard))) return 'session-ended';
    if (!actor) return 'forbidden';
    return changeRole(trx, id, role, enabledAdmins.map((admin) => admin.id));
  });
}

/** An actor who is no enabled admin changes nothing either way: the read needs no lock. */
async function isActorSessionValid(trx: Transaction<Database>, actorId: string, lockedActor: { sessionEpoch: number } | undefined, guard: SessionGuard) {
  return lockedActor ? lockedActor.sessionEpoch === guard.sessionEpoch : isSessionValid(trx, actorId, guard, false);
}

/** Compare-and-set on the hash, so a rehash never overwrites a password changed meanwhile. */
export async function replacePasswordHash(db: Db, id: string, currentHash: string, newHash: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: newHash, updated_at: Date.now() })
    .where('id', '=', id)
    .where('password_hash', '=', currentHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** With `guard`, by a session that must still be valid: the check is in the statement. */
export async function revokeSessions(db: Db, id: string, beforeMs: number, guard?: SessionGuard): Promise<boolean> {
  const revoke = db
    .updateTable('users')
    .set({
      revoked_before: beforeMs,
      session_epoch: sql`session_epoch + 1`,
      session_version: sql`session_version + 1`,
      updated_at: Date.now(),
    })
    .where('id', '=', id);
  const result = await (guard ? revoke.where('session_epoch', '=', guard.sessionEpoch).where('disabled_at', 'is', null) : revoke).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The epoch moves both ways, in the same statement: re-enabling must not bring back the
 * sessions that disabling ended (a token carries the epoch it began under). Disabling also
 * moves `revoked_before` up to now, for tokens without an epoch (the time rule); the epoch
 * already moved, so migration 0006's trigger adds no second bump.
 */
export async function setDisabled(db: Db, id: string, disabled: boolean): Promise<boolean> {
  const now = Date.now();
  const result = await db
    .updateTable('users')
    .set({
      disabled_at: disabled ? now : null,
      session_epoch: sql`session_epoch + 1`,
      session_version: sql`session_version + 1`,
      updated_at: now,
    })
    .$if(disabled, (query) =>
      query.set({ revoked_before: sql<number>`case when revoked_before is null or revoked_before < ${now} then ${now} else revoked_before end` }),
    )
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The user an OpenID Connect subject is linked to (migration 0010), or null. */
export async function findUserByOidcSubject(db: Db, issuer: string, subject: string): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('oidc_links', 'oidc_links.user_id', 'users.id')
    .selectAll('users')
    .where('oidc_links.issuer', '=', issuer)
    .where('oidc_links.subject', '=', subject)
    .executeTakeFirst();
  return row ? withoutPassword(toUser(row)) : null;
}

/**
 * Links the subject to the user unless either is linked already (one subject per user and
 * issuer): true when the subject now names this user, whether linked here or before. Two
 * first sign-ins at once both answer true for the same user; a subject linked to another
 * user, or a user linked to another subject, answers false and changes nothing.
 */
export async function linkOidcSubject(db: Db, userId: string, issuer: string, subject: string): Promise<boolean> {
  await db
    .insertInto('oidc_links')
    .values({ issuer, subject, user_id: userId, linked_at: Date.now() })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const link = await db.selectFrom('oidc_links').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  return link?.user_id === userId;
}
