/** Injected failures per service, settable at start-up, at run time and over HTTP. */
import { SERVICE_NAMES, type ServiceName } from './format.ts';

/** true = every request; probability = that share of requests (seeded, reproducible); times = the next n requests. */
export type FaultTrigger = boolean | { probability?: number; times?: number };

export interface ServiceFaults {
  /** Connection reset before any response. */
  down?: FaultTrigger;
  /** The request is never answered (until the client gives up or the fake closes). */
  hang?: FaultTrigger;
  /** 429 in the service's own format with Retry-After (default 1 s). */
  rate429?: FaultTrigger | { probability?: number; times?: number; retryAfter?: number };
  /** 500 in the service's own format. */
  status500?: FaultTrigger;
  /** A gateway HTML error page (502). */
  htmlError?: FaultTrigger;
  /** The normal body cut short, so it does not parse. */
  malformedJson?: FaultTrigger;
  /** Answer as if the record set were empty. */
  emptyResults?: FaultTrigger;
}

export type FaultName = keyof ServiceFaults;
/** Per service; "all" applies to every service that has no entry of its own for that fault. */
export type FaultSpec = Partial<Record<ServiceName | 'all', ServiceFaults>>;

/** Checked in this order; the first that fires wins. */
export const FAULT_ORDER: readonly FaultName[] = ['down', 'hang', 'rate429', 'status500', 'htmlError', 'malformedJson', 'emptyResults'];

export interface FiredFault {
  name: FaultName;
  retryAfter: number;
}

/** Deterministic PRNG (mulberry32): the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validateFaultSpec(value: unknown): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('faults must be an object keyed by service');
  for (const [service, faults] of Object.entries(value)) {
    if (service !== 'all' && !SERVICE_NAMES.includes(service as ServiceName)) {
      throw new Error(`unknown service "${service}" (expected one of ${SERVICE_NAMES.join(', ')}, all)`);
    }
    if (typeof faults !== 'object' || faults === null) throw new Error(`faults.${service} must be an object`);
    for (const name of Object.keys(faults)) {
      if (!FAULT_ORDER.includes(name as FaultName)) throw new Error(`unknown fault "${name}" (expected one of ${FAULT_ORDER.join(', ')})`);
    }
  }
  return value as FaultSpec;
}

export class FaultState {
  private spec: FaultSpec = {};
  private readonly remaining = new Map<string, number>();
  private random: () => number;
  private readonly seed: number;

  constructor(spec: FaultSpec = {}, seed = 1) {
    this.seed = seed;
    this.random = mulberry32(seed);
    this.set(spec);
  }

  set(spec: FaultSpec): void {
    this.spec = validateFaultSpec(spec);
    this.remaining.clear();
    this.random = mulberry32(this.seed);
  }

  get(): FaultSpec {
    return structuredClone(this.spec);
  }

  /** The fault to apply to one request of `service`, if any (consumes `times` budgets). */
  pick(service: ServiceName): FiredFault | undefined {
    const own = this.spec[service] ?? {};
    const all = this.spec.all ?? {};
    for (const name of FAULT_ORDER) {
      const scope = own[name] !== undefined ? service : 'all';
      const trigger = own[name] ?? all[name];
      if (trigger === undefined || trigger === false) continue;
      if (this.fires(`${scope}:${name}`, trigger)) {
        const retryAfter = typeof trigger === 'object' && 'retryAfter' in trigger && typeof trigger.retryAfter === 'number' ? trigger.retryAfter : 1;
        return { name, retryAfter };
      }
    }
    return undefined;
  }

  private fires(key: string, trigger: Exclude<FaultTrigger, false> | { probability?: number; times?: number }): boolean {
    if (trigger === true) return true;
    if (typeof trigger !== 'object') return false;
    if (trigger.times !== undefined) {
      const left = this.remaining.get(key) ?? trigger.times;
      if (left <= 0) return false;
      if (trigger.probability === undefined || this.random() < trigger.probability) {
        this.remaining.set(key, left - 1);
        return true;
      }
      return false;
    }
    return this.random() < (trigger.probability ?? 1);
  }
}
