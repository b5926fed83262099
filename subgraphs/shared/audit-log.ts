import { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { defaultFieldResolver, GraphQLError, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES } from '../../schema/domain';
import { InternalCaller } from '../../schema/tokens';

/**
 * The data-protection log each data owner keeps in its own database (Data Protection Act 2018,
 * s.62): collection, alteration, consultation, disclosure, combination and erasure, with who,
 * when, which record, which parts and why.
 *
 * Guarantees, and where they are enforced:
 * - Append-only, by the database: the services run their queries as APP_ROLE, which may only
 *   SELECT and INSERT the log; triggers refuse UPDATE, DELETE and TRUNCATE even to the table owner.
 * - Tamper-evident: a BEFORE INSERT trigger numbers each row gaplessly and chains it
 *   (hash = sha256(prev_hash + canonical content)) under a row lock on the chain head, so
 *   concurrent writers cannot fork the chain and the application cannot choose the hash, the id
 *   or the time. `verifyAuditChain` (audit-chain.ts) recomputes the chain independently in Node.
 * - No unlogged reads: every field of an audited record type is recorded per request, and the
 *   request's consultations are written in one INSERT before the response leaves; if that write
 *   fails the response is replaced by an error (auditPlugin).
 */

/** The role the services use for all their queries once migrations have run as the owner. */
export const APP_ROLE = 'mappa_app_runtime';
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_EVENTS = ['CONSULTATION', 'DISCLOSURE', 'ALTERATION', 'COLLECTION', 'ERASURE', 'COMBINATION'] as const;
export type AuditEventKind = (typeof AUDIT_EVENTS)[number];
export const AUDIT_OUTCOMES = ['ALLOWED', 'PARTIAL', 'REFUSED'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The log table, its chain, and the application role. Shared by the police register and every
 * council (both list it among their migrations).
 */
export class CreateAuditLog1764400050000 implements MigrationInterface {
  name = 'CreateAuditLog1764400050000';
  async up(q: QueryRunner): Promise<void> {
    // Roles are cluster-wide: another database on the same server (or a concurrent migration)
    // may already have created it. A role that could bypass the rules is refused outright.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`
      DO $$ BEGIN
        IF (SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          RAISE EXCEPTION 'role ${APP_ROLE} must not be a superuser, bypass RLS or create roles';
        END IF;
        -- The owner must be able to SET ROLE to it (a superuser always can).
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT %I TO %I', '${APP_ROLE}', current_user);
        END IF;
      END $$`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        event text NOT NULL CHECK (event IN (${AUDIT_EVENTS.map((e) => `'${e}'`).join(',')})),
        outcome text NOT NULL CHECK (outcome IN (${AUDIT_OUTCOMES.map((e) => `'${e}'`).join(',')})),
        actor_sub text NOT NULL,
        actor_name text NOT NULL,
        actor_org text NOT NULL,
        actor_roles text[] NOT NULL,
        justification text,
        record_type text NOT NULL,
        record_id text NOT NULL,
        person_id text,
        fields text[] NOT NULL,
        refused_fields text[] NOT NULL DEFAULT '{}',
        recipient text,
        note text,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT audit_disclosure_names_recipient CHECK (event <> 'DISCLOSURE' OR recipient IS NOT NULL),
        -- s.62: an erasure log must not copy the erased content; only the parts' names are kept.
        CONSTRAINT audit_erasure_copies_nothing CHECK (event <> 'ERASURE' OR note IS NULL)
      )`);
    await q.query('CREATE INDEX audit_log_person ON audit_log (person_id, id)');
    await q.query('CREATE INDEX audit_log_actor ON audit_log (actor_sub, id)');
    await q.query('CREATE INDEX audit_log_time ON audit_log (occurred_at)');
    await q.query(`
      CREATE TABLE audit_chain (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_id bigint NOT NULL,
        last_hash text NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain (last_id, last_hash) VALUES (0, '${GENESIS_HASH}')`);
    // The canonical content is a sequence of netstrings (byte length, ':', value, ','; '~' for null),
    // which is unambiguous and easy to recompute outside the database (audit-chain.ts).
    await q.query(`
      CREATE FUNCTION audit_ns(v text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v || ',' END
      $$`);
    await q.query(`
      CREATE FUNCTION audit_ns_array(v text[]) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN v IS NULL THEN '~'
          ELSE public.audit_ns(coalesce((SELECT string_agg(public.audit_ns(x), '' ORDER BY o) FROM unnest(v) WITH ORDINALITY AS u(x, o)), '')) END
      $$`);
    await q.query(`
      CREATE FUNCTION audit_canonical(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT public.audit_ns(r.id::text) || public.audit_ns((extract(epoch FROM r.occurred_at) * 1000000)::bigint::text)
          || public.audit_ns(r.event) || public.audit_ns(r.outcome)
          || public.audit_ns(r.actor_sub) || public.audit_ns(r.actor_name) || public.audit_ns(r.actor_org) || public.audit_ns_array(r.actor_roles)
          || public.audit_ns(r.justification) || public.audit_ns(r.record_type) || public.audit_ns(r.record_id) || public.audit_ns(r.person_id)
          || public.audit_ns_array(r.fields) || public.audit_ns_array(r.refused_fields) || public.audit_ns(r.recipient) || public.audit_ns(r.note)
      $$`);
    // SECURITY DEFINER: the application role has no right to the chain head at all; only this
    // trigger moves it. The row lock on the head serialises writers until they commit.
    await q.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE head public.audit_chain%ROWTYPE;
      BEGIN
        SELECT * INTO head FROM public.audit_chain FOR UPDATE;
        NEW.id := head.last_id + 1;
        NEW.occurred_at := clock_timestamp();
        NEW.prev_hash := head.last_hash;
        NEW.hash := encode(sha256(convert_to(NEW.prev_hash || public.audit_canonical(NEW), 'UTF8')), 'hex');
        UPDATE public.audit_chain SET last_id = NEW.id, last_hash = NEW.hash;
        RETURN NEW;
      END $$`);
    await q.query('CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()');
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // Statement-level, so even an UPDATE or DELETE matching no row is refused, whoever runs it.
    await q.query('CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()');
    await q.query(`
      CREATE FUNCTION audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.last_id = OLD.last_id + 1 THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'the audit chain head only moves when a log row is appended' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query('CREATE TRIGGER audit_chain_guard BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_chain_guard()');
    await q.query('CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard()');

    // What the services may do: everything the application needs on every table, present and
    // future (default privileges cover tables later migrations create), and only SELECT/INSERT
    // on the log. The migrations table stays the owner's.
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON audit_log, audit_chain FROM ${APP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON audit_log TO ${APP_ROLE}`);
    await q.query(`GRANT SELECT ON audit_chain TO ${APP_ROLE}`);
    await q.query(`DO $$ BEGIN
        IF to_regclass('public.migrations') IS NOT NULL THEN EXECUTE 'REVOKE ALL ON public.migrations FROM ${APP_ROLE}'; END IF;
      END $$`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON SCHEMA public FROM ${APP_ROLE}`);
    // The log itself is evidence: rolling the schema back does not destroy it.
  }
}

/** Who acted, as the log records it. A council service calling the register is an actor too. */
export interface AuditActor {
  sub: string;
  name: string;
  org: string;
  roles: readonly string[];
}

export function actorOf(caller: InternalCaller): AuditActor {
  if (caller.kind === 'user') return caller.identity.user;
  const authority = AUTHORITIES.find((a) => authorityNames(a).serviceName === caller.service);
  return { sub: `service:${caller.service}`, name: `${caller.service} subgraph`, org: authority ?? caller.service, roles: [] };
}

export const justificationOf = (caller: InternalCaller): string | null => (caller.kind === 'user' ? caller.identity.justification : null);

interface AuditEventBase {
  actor: AuditActor;
  justification: string | null;
  recordType: string;
  recordId: string;
  /** The nominal the record concerns, so the log can be searched per person. */
  personId: string | null;
  /** The parts concerned, by name (GraphQL field or input field names). */
  fields: readonly string[];
  outcome?: AuditOutcome;
}

/** One event written by a mutation in its own transaction. An erasure never carries content. */
export type AuditEvent = AuditEventBase &
  (
    | { event: 'COLLECTION' | 'ALTERATION' | 'COMBINATION' | 'CONSULTATION'; note?: string | null }
    | { event: 'DISCLOSURE'; recipient: string; note?: string | null }
    | { event: 'ERASURE'; note?: never }
  );

interface AuditRow {
  event: AuditEventKind;
  outcome: AuditOutcome;
  actor_sub: string;
  actor_name: string;
  actor_org: string;
  actor_roles: readonly string[];
  justification: string | null;
  record_type: string;
  record_id: string;
  person_id: string | null;
  fields: readonly string[];
  refused_fields: readonly string[];
  recipient: string | null;
  note: string | null;
}

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** One statement whatever the number of rows; id, time and hashes are the trigger's to set. */
async function insertAuditRows(q: Queryable, rows: AuditRow[]): Promise<void> {
  if (!rows.length) return;
  const columns = 'event, outcome, actor_sub, actor_name, actor_org, actor_roles, justification, record_type, record_id, person_id, fields, refused_fields, recipient, note';
  await q.query(`INSERT INTO audit_log (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::audit_log, $1::json)`, [JSON.stringify(rows)]);
}

const eventRow = (e: AuditEvent): AuditRow => ({
  event: e.event,
  outcome: e.outcome ?? 'ALLOWED',
  actor_sub: e.actor.sub,
  actor_name: e.actor.name,
  actor_org: e.actor.org,
  actor_roles: [...e.actor.roles],
  justification: e.justification,
  record_type: e.recordType,
  record_id: e.recordId,
  person_id: e.personId,
  fields: [...e.fields],
  refused_fields: [],
  recipient: e.event === 'DISCLOSURE' ? e.recipient : null,
  note: e.event === 'ERASURE' ? null : (e.note ?? null),
});

/**
 * Logs a collection, alteration, disclosure, erasure or combination inside the caller's
 * transaction, so the change and its log row commit together or not at all. Call it as the
 * last statement before commit: it holds the chain lock until the transaction ends.
 */
export async function logEvent(runner: Queryable, event: AuditEvent): Promise<void> {
  await insertAuditRows(runner, [eventRow(event)]);
}

export interface RecordRef {
  recordType: string;
  recordId: string;
  personId: string | null;
}

interface Consulted extends RecordRef {
  fields: Set<string>;
  refused: Set<string>;
  notes: string[];
}

/**
 * The consultations of one subgraph request: one entry per record, with the parts read and the
 * parts refused. Written in one INSERT when the response is about to leave.
 */
export class AuditTrail {
  private readonly consulted = new Map<string, Consulted>();
  constructor(
    private readonly db: Queryable,
    /** The organisation that owns this database's data: POLICE or a council. */
    private readonly owner: string,
    private readonly caller: InternalCaller,
  ) {}

  private entry(ref: RecordRef): Consulted {
    const key = `${ref.recordType}\u0000${ref.recordId}`;
    let entry = this.consulted.get(key);
    if (!entry) {
      entry = { ...ref, fields: new Set(), refused: new Set(), notes: [] };
      this.consulted.set(key, entry);
    }
    if (!entry.personId && ref.personId) entry.personId = ref.personId;
    return entry;
  }

  read(ref: RecordRef, field: string): void {
    this.entry(ref).fields.add(field);
  }

  /** A refused read is logged too; `*` stands for the whole record. */
  refuse(ref: RecordRef, field = '*'): void {
    this.entry(ref).refused.add(field);
  }

  note(ref: RecordRef, text: string): void {
    this.entry(ref).notes.push(text);
  }

  get pending(): number {
    return this.consulted.size;
  }

  rows(): AuditRow[] {
    const actor = actorOf(this.caller);
    // Reading another organisation's record is a disclosure to that organisation (s.62(1)(d)).
    const disclosed = actor.org !== this.owner;
    return [...this.consulted.values()]
      .sort((a, b) => (a.recordType + a.recordId < b.recordType + b.recordId ? -1 : 1))
      .map((c) => ({
        event: disclosed ? 'DISCLOSURE' : 'CONSULTATION',
        outcome: c.refused.size === 0 ? 'ALLOWED' : c.fields.size === 0 ? 'REFUSED' : 'PARTIAL',
        actor_sub: actor.sub,
        actor_name: actor.name,
        actor_org: actor.org,
        actor_roles: [...actor.roles],
        justification: justificationOf(this.caller),
        record_type: c.recordType,
        record_id: c.recordId,
        person_id: c.personId,
        fields: [...c.fields].sort(),
        refused_fields: [...c.refused].sort(),
        recipient: disclosed ? actor.org : null,
        note: c.notes.length ? c.notes.join('; ') : null,
      }));
  }

  async flush(): Promise<void> {
    const rows = this.rows();
    this.consulted.clear();
    await insertAuditRows(this.db, rows);
  }
}

/**
 * Kept on the context under a symbol: Apollo Server shallow-copies the context per operation
 * (own enumerable properties, symbols included), so it travels with it; a WeakMap keyed by the
 * original object would not.
 */
const TRAIL = Symbol('s62-audit-trail');

/** Called once per request by startSubgraph, before any resolver runs. */
export function attachAuditTrail(ctx: object, trail: AuditTrail): void {
  Object.defineProperty(ctx, TRAIL, { value: trail, enumerable: true, writable: false });
}

/**
 * The request's trail. Every served request has one (startSubgraph attaches it); a context
 * built by hand outside a server (unit tests) has none, and nothing is recorded for it.
 */
export function auditTrailOf(ctx: object): AuditTrail | undefined {
  return (ctx as { [TRAIL]?: AuditTrail })[TRAIL];
}

/** A record type whose every field read is a consultation of one record about one person. */
export interface AuditedType {
  typeName: string;
  /** The record a resolved object of this type is (its parent value in resolvers). */
  refOf(parent: any): RecordRef;
}

const isForbidden = (error: unknown) => error instanceof GraphQLError && error.extensions?.code === 'FORBIDDEN';

/**
 * Wraps every field of the audited types, default-resolved ones included, whoever wrote the
 * resolver: a field that resolves is recorded as read, one refused with FORBIDDEN as refused.
 * Done on the built schema so features added later are covered without doing anything.
 */
export function auditRecordFields(schema: GraphQLSchema, audited: readonly AuditedType[]): void {
  for (const spec of audited) {
    const type = schema.getType(spec.typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`Audited type ${spec.typeName} is not an object type of this schema`);
    for (const field of Object.values(type.getFields())) {
      const inner = field.resolve ?? defaultFieldResolver;
      const name = field.name;
      field.resolve = (parent, args, ctx, info) => {
        const trail = auditTrailOf(ctx as object);
        if (!trail) return inner(parent, args, ctx, info);
        const ref = spec.refOf(parent);
        const failed = (error: unknown) => {
          if (isForbidden(error)) trail.refuse(ref, name);
          throw error;
        };
        let out: unknown;
        try {
          out = inner(parent, args, ctx, info);
        } catch (error) {
          return failed(error);
        }
        if (out && typeof (out as Promise<unknown>).then === 'function') {
          return (out as Promise<unknown>).then((value) => {
            trail.read(ref, name);
            return value;
          }, failed);
        }
        trail.read(ref, name);
        return out;
      };
    }
  }
}

const WITHHELD = { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

/**
 * Writes the request's consultations before the response is sent. If the write fails, nothing
 * read is returned: the data is replaced by null and one masked error.
 */
export function auditPlugin<C extends BaseContext>(onFailure?: (error: unknown) => void): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const trail = auditTrailOf(contextValue as object);
          if (!trail?.pending) return;
          try {
            await trail.flush();
          } catch (error) {
            onFailure?.(error);
            if (response.body.kind !== 'single') throw error;
            response.body.singleResult.data = null;
            response.body.singleResult.errors = [WITHHELD];
            delete response.body.singleResult.extensions;
          }
        },
      };
    },
  };
}
