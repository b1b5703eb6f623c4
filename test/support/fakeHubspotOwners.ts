/**
 * The owners of the fake HubSpot (GET /crm/v3/owners and /crm/v3/owners/{ownerId}): the users records are assigned to
 * (a company's `hubspot_owner_id`), as HubSpot answers them. An archived owner (a deactivated user) is read only with
 * `archived=true`, its `userId` null and `userIdIncludingInactive` kept; without it, a read by its id answers 404.
 * The scope (crm.objects.owners.read) is enforced by the fake's scope check (fakeHubspotScopes.ts).
 */

export interface NewOwner {
  email: string;
  firstName?: string;
  lastName?: string;
}

interface StoredOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

/** An answer as the fake's routers (owners, currencies) give it: a status and a JSON body, or what to build an error of. */
export type OwnersAnswer =
  | { status: 200; body: Record<string, unknown> }
  | { status: 400 | 404; category: 'VALIDATION_ERROR' | 'OBJECT_NOT_FOUND'; message: string };

/** A list's `limit` (default 100), or the refusal of one outside 1…`max`. */
export function pageLimit(params: URLSearchParams, max: number): number | OwnersAnswer {
  const limit = Number(params.get('limit') ?? 100);
  if (Number.isInteger(limit) && limit >= 1 && limit <= max) return limit;
  return { status: 400, category: 'VALIDATION_ERROR', message: `limit must be between 1 and ${max}` };
}

/** HubSpot's largest page of owners. */
const OWNERS_LIMIT_MAX = 500;

const iso = (ms: number): string => new Date(ms).toISOString();

export class FakeOwners {
  private readonly owners = new Map<string, StoredOwner>();
  private nextId = 70_000_001;
  private nextUserId = 9_000_001;

  constructor(
    private readonly now: () => number,
    private readonly origin: () => string,
  ) {}

  /** Adds an owner (an active user); returns its id (what a company's `hubspot_owner_id` holds). */
  add(owner: NewOwner): string {
    const id = String(this.nextId++);
    const now = this.now();
    this.owners.set(id, {
      id,
      email: owner.email,
      firstName: owner.firstName ?? '',
      lastName: owner.lastName ?? '',
      userId: this.nextUserId++,
      archived: false,
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  has(id: string): boolean {
    return this.owners.has(id);
  }

  /** Deactivates the owner's user: the owner is archived (records keep its id). */
  archive(id: string): void {
    const owner = this.owners.get(id);
    if (!owner) throw new Error(`no owner ${id}`);
    owner.archived = true;
    owner.updatedAt = this.now();
  }

  clear(): void {
    this.owners.clear();
  }

  /** GET /crm/v3/owners[/{ownerId}], `parts` the path's segments after /crm/v3/owners. */
  route(method: string, parts: string[], params: URLSearchParams): OwnersAnswer | undefined {
    if (method !== 'GET' || parts.length > 1) return undefined;
    const archived = params.get('archived') === 'true';
    const [id] = parts;
    if (id === undefined) return this.page(params, archived);
    const by = params.get('idProperty') ?? 'id';
    if (by !== 'id' && by !== 'userId')
      return { status: 400, category: 'VALIDATION_ERROR', message: `idProperty must be id or userId: ${by}` };
    const owner = [...this.owners.values()].find(
      (o) => o.archived === archived && (by === 'id' ? o.id === id : String(o.userId) === id),
    );
    if (!owner) return { status: 404, category: 'OBJECT_NOT_FOUND', message: `Owner ${id} not found` };
    return { status: 200, body: this.json(owner) };
  }

  /** A page of owners (active ones, or archived ones with `archived=true`), optionally those of one email. */
  private page(params: URLSearchParams, archived: boolean): OwnersAnswer {
    const limit = pageLimit(params, OWNERS_LIMIT_MAX);
    if (typeof limit !== 'number') return limit;
    const start = Number(params.get('after') ?? 0) || 0;
    const email = params.get('email')?.toLowerCase();
    const all = [...this.owners.values()].filter(
      (o) => o.archived === archived && (email === undefined || o.email.toLowerCase() === email),
    );
    const body: Record<string, unknown> = {
      results: all.slice(start, start + limit).map((o) => this.json(o)),
    };
    if (start + limit < all.length) {
      const after = String(start + limit);
      body.paging = { next: { after, link: `${this.origin()}/crm/v3/owners/?after=${after}` } };
    }
    return { status: 200, body };
  }

  private json(owner: StoredOwner): Record<string, unknown> {
    return {
      id: owner.id,
      email: owner.email,
      type: 'PERSON',
      firstName: owner.firstName,
      lastName: owner.lastName,
      userId: owner.archived ? null : owner.userId,
      userIdIncludingInactive: owner.userId,
      createdAt: iso(owner.createdAt),
      updatedAt: iso(owner.updatedAt),
      archived: owner.archived,
      teams: [],
    };
  }
}
