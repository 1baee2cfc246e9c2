import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';
import { SESSION_STATE_CHANNEL } from './state-notifications';

/**
 * Versioned migrations, kept in code so that `next build` bundles them and no file-system
 * lookup is needed at run time. Append only: never edit a migration that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', 'text', (col) => col.notNull().unique())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) =>
          col.notNull().defaultTo('member').check(sql`role in ('member', 'admin')`),
        )
        .addColumn('preferences', 'text', (col) => col.notNull().defaultTo('{}'))
        .addColumn('session_version', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('price_cents', 'integer', (col) => col.notNull().check(sql`price_cents >= 0`))
        .execute();

      await db.schema
        .createTable('cart_items')
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('product_id', 'integer', (col) =>
          col.notNull().references('products.id').onDelete('cascade'),
        )
        .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
        .addPrimaryKeyConstraint('cart_items_pk', ['user_id', 'product_id'])
        .execute();
    },
  },
  '0002_session_invalidation': {
    async up(db: Kysely<unknown>) {
      // revoked_before: sessions that began before this instant (ms) are refused.
      // disabled_at: a disabled account's sessions are refused like a deleted one's.
      await db.schema.alterTable('users').addColumn('revoked_before', 'bigint').execute();
      await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
      await db.schema.createIndex('users_role_idx').on('users').column('role').execute();
    },
  },
  '0003_idempotency_keys': {
    async up(db: Kysely<unknown>) {
      // One row per (user, Idempotency-Key), written in the same transaction as the write it
      // guards: outcome is the store's result, answer_* the route's first answer (set after).
      // The foreign key is checked at commit: checked at the insert, PostgreSQL's KEY SHARE lock
      // on the user would deadlock two keyed profile updates (each then wants FOR UPDATE).
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('request_hash', 'text', (col) => col.notNull())
        .addColumn('outcome', 'text')
        .addColumn('answer_status', 'integer')
        .addColumn('answer_body', 'text')
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
        .addForeignKeyConstraint('idempotency_keys_user_fk', ['user_id'], 'users', ['id'], (fk) =>
          fk.onDelete('cascade').deferrable().initiallyDeferred(),
        )
        .execute();
    },
  },
  '0004_session_epoch': {
    async up(db: Kysely<unknown>) {
      // Bumped by "sign out everywhere"; a token carries the value it began under, so
      // revocation compares two numbers the store issued, not two instances' clocks.
      await db.schema
        .alterTable('users')
        .addColumn('session_epoch', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
    },
  },
  '0005_session_state_notify': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: instances sharing the database drop their cached session state on
      // this notification (lib/db/state-notifications.ts). SQLite serves one process.
      if (!isPostgres(db)) return;
      await sql`
        create function notify_session_state() returns trigger language plpgsql as $$
        begin
          perform pg_notify(${sql.lit(SESSION_STATE_CHANNEL)}, json_build_object(
            'userId', coalesce(new.id, old.id),
            'sessionVersion', case when tg_op = 'DELETE' then null else new.session_version end
          )::text);
          return null;
        end $$`.execute(db);
      // WHEN skips updates that name a column but leave it as it was.
      await sql`
        create trigger users_session_state_changed
        after update of session_version, session_epoch, revoked_before, disabled_at on users
        for each row
        when (old.session_version is distinct from new.session_version
          or old.session_epoch is distinct from new.session_epoch
          or old.revoked_before is distinct from new.revoked_before
          or old.disabled_at is distinct from new.disabled_at)
        execute function notify_session_state()`.execute(db);
      await sql`
        create trigger users_session_state_deleted
        after delete on users
        for each row execute function notify_session_state()`.execute(db);
    },
  },
  '0006_revocation_bumps_epoch': {
    async up(db: Kysely<unknown>) {
      // A write that moves revoked_before but not the epoch (an instance still on the older
      // code during a rolling deploy, a script, psql) must still end the sessions that carry
      // an epoch: the epoch moves with it, in the same statement.
      if (isPostgres(db)) {
        await sql`
          create function bump_epoch_on_revocation() returns trigger language plpgsql as $$
          begin
            if new.revoked_before is distinct from old.revoked_before and new.session_epoch = old.session_epoch then
              new.session_epoch := old.session_epoch + 1;
            end if;
            return new;
          end $$`.execute(db);
        await sql`
          create trigger users_revocation_bumps_epoch
          before update of revoked_before on users
          for each row execute function bump_epoch_on_revocation()`.execute(db);
        return;
      }
      await sql`
        create trigger users_revocation_bumps_epoch
        after update of revoked_before on users
        for each row
        when new.revoked_before is not old.revoked_before and new.session_epoch = old.session_epoch
        begin
          update users set session_epoch = session_epoch + 1 where id = new.id;
        end`.execute(db);
    },
  },
  '0007_cart_version': {
    async up(db: Kysely<unknown>) {
      // Moves with every change to a user's cart lines, whoever makes it (the app, a script,
      // psql): a token carries the value its cart was read at, so an update that finds it
      // unchanged re-projects the cart from the token instead of reading it again.
      await db.schema
        .alterTable('users')
        .addColumn('cart_version', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      if (isPostgres(db)) {
        await sql`
          create function bump_cart_version() returns trigger language plpgsql as $$
          begin
            if tg_op <> 'INSERT' then
              update users set cart_version = cart_version + 1 where id = old.user_id;
            end if;
            if tg_op = 'INSERT' or new.user_id is distinct from old.user_id then
              update users set cart_version = cart_version + 1 where id = new.user_id;
            end if;
            return null;
          end $$`.execute(db);
        await sql`
          create trigger cart_items_bump_cart_version
          after insert or update or delete on cart_items
          for each row execute function bump_cart_version()`.execute(db);
        return;
      }
      for (const [event, row] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
        await sql`
          create trigger ${sql.raw(`cart_items_${event}_bumps_cart_version`)}
          after ${sql.raw(event)} on cart_items
          for each row
          begin
            update users set cart_version = cart_version + 1 where id = ${sql.raw(`${row}.user_id`)};
          end`.execute(db);
      }
      // An update that moves a line to another user changes that user's cart too.
      await sql`
        create trigger cart_items_move_bumps_cart_version
        after update of user_id on cart_items
        for each row
        when new.user_id is not old.user_id
        begin
          update users set cart_version = cart_version + 1 where id = old.user_id;
        end`.execute(db);
    },
  },
  '0008_idempotency_keys_expiry_index': {
    async up(db: Kysely<unknown>) {
      // The periodic cleanup deletes expired keys of every user in bounded batches: without
      // this index each batch would scan the whole table (under SQLite's one write lock).
      await db.schema.createIndex('idempotency_keys_expires_at_idx').on('idempotency_keys').column('expires_at').execute();
    },
  },
  '0009_oauth_refresh_successors': {
    async up(db: Kysely<unknown>) {
      // The refresher's successors, shared by every instance (lib/db/refresh-coordination.ts):
      // key is the SHA-256 of the spent refresh token, sealed the package's JWE of its
      // successor (never a token in the clear), expires_at (epoch ms) when the row is forgotten.
      await db.schema
        .createTable('oauth_refresh_successors')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('sealed', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
      // The periodic cleanup deletes expired rows in bounded batches, read through this index.
      await db.schema.createIndex('oauth_refresh_successors_expires_at_idx').on('oauth_refresh_successors').column('expires_at').execute();
    },
  },
  '0010_oidc_links': {
    async up(db: Kysely<unknown>) {
      // Which user an OpenID Connect subject signs in as (lib/auth/oidc-accounts.ts): linked
      // by verified email on the first sign-in, by (issuer, subject) after it. One subject per
      // user and issuer; the (user_id, issuer) index also serves the cascade when a user goes.
      await db.schema
        .createTable('oidc_links')
        .addColumn('issuer', 'text', (col) => col.notNull())
        .addColumn('subject', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('linked_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('oidc_links_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('oidc_links_user_issuer_idx').unique().on('oidc_links').columns(['user_id', 'issuer']).execute();
    },
  },
};

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}
