import { describe, expect, it } from 'vitest';
import { parseBenchArgs, REFERENCE_OUT } from '../../../bench/lib/args.js';

describe('npm run bench: its command line', () => {
  it('runs every section into results.md with no reference by default', () => {
    const args = parseBenchArgs([]);
    expect([...args.sections]).toEqual(['ack', 'e2e', 'scale', 'cold', 'postgres', 'storm', 'tenants']);
    expect(args).toMatchObject({ duration: 10, handoffs: 10_000, rows: 1_000_000, out: 'bench/results.md' });
    expect(args.reference).toBeUndefined();
    expect(args).toMatchObject({ tenants: 1000, tenantsOnly: false });
    expect(parseBenchArgs(['--tenants=3000', '--tenants-only'])).toMatchObject({
      tenants: 3000,
      tenantsOnly: true,
    });
  });

  it('reads --reference <commit> in both spellings, and writes to its own file unless --out says otherwise', () => {
    expect(parseBenchArgs(['--reference', 'dcf1aed']).reference).toBe('dcf1aed');
    expect(parseBenchArgs(['--reference=HEAD~1', '--only=ack', '--duration=1'])).toMatchObject({
      reference: 'HEAD~1',
      duration: 1,
      out: REFERENCE_OUT,
    });
    expect(parseBenchArgs(['--reference', 'v1', '--out=bench/x.md']).out).toBe('bench/x.md');
  });

  it('refuses a reference git would read as an option, an empty one, or one without the ack section; unknown sections, options and non-numbers', () => {
    expect(() => parseBenchArgs(['--reference=--output=/tmp/x'])).toThrow(/needs a commit/);
    expect(() => parseBenchArgs(['--reference='])).toThrow(/needs a commit/);
    expect(() => parseBenchArgs(['--reference', 'HEAD~1', '--only=e2e'])).toThrow(/add ack to --only/);
    expect(() => parseBenchArgs(['--reference'])).toThrow();
    expect(() => parseBenchArgs(['--only=ack,speed'])).toThrow(/unknown section "speed"/);
    expect(() => parseBenchArgs(['--duration=soon'])).toThrow(/--duration must be a positive number/);
    expect(() => parseBenchArgs(['--refrence=HEAD'])).toThrow();
  });

  it('reads --rounds (one by default, only whole, only with a reference to alternate with) and --pace-ms (the apps’ gap between posts to one conversation: unset by default, whole milliseconds)', () => {
    expect(parseBenchArgs([]).rounds).toBe(1);
    expect(parseBenchArgs(['--reference', 'dcf1aed', '--only=ack', '--rounds=3']).rounds).toBe(3);
    expect(() => parseBenchArgs(['--rounds=3', '--only=ack'])).toThrow(/add --reference/);
    expect(() => parseBenchArgs(['--reference', 'v1', '--rounds=2.5'])).toThrow(/whole number/);
    expect(() => parseBenchArgs(['--reference', 'v1', '--rounds=0'])).toThrow(/positive number/);
    expect(parseBenchArgs([]).paceMs).toBeUndefined();
    expect(parseBenchArgs(['--pace-ms=0']).paceMs).toBe(0);
    expect(parseBenchArgs(['--pace-ms', '20']).paceMs).toBe(20);
    expect(() => parseBenchArgs(['--pace-ms=-1'])).toThrow(/whole number of milliseconds/);
    expect(() => parseBenchArgs(['--pace-ms=1.5'])).toThrow(/whole number of milliseconds/);
  });
});
