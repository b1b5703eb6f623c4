import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../src/receiver.js';

/** A request as the receiver sees it: its socket's peer and its headers. */
const request = (peer: string | undefined, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress: peer } as never,
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientAddress: whose share of a lane a request takes', () => {
  it('behind a proxy on this machine or a private network, the last x-forwarded-for hop (the proxy wrote it)', () => {
    for (const proxy of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '172.20.0.5',
      '192.168.1.10',
      'fd00::7',
      '::ffff:10.0.0.9',
    ])
      expect(clientAddress(request(proxy, '198.51.100.1, 203.0.113.7'))).toBe('forwarded 203.0.113.7');
    expect(clientAddress(request('10.0.0.2', ['198.51.100.1', '203.0.113.8']))).toBe('forwarded 203.0.113.8');
  });

  it('from a public address, the socket: a client reaching the app directly cannot choose its own address', () => {
    for (const peer of ['203.0.113.50', '::ffff:198.51.100.4', '2001:db8::1', '172.32.0.1'])
      expect(clientAddress(request(peer, '198.51.100.77'))).toBe(`socket ${peer}`);
  });

  it('without the header, or with an empty one, the socket', () => {
    expect(clientAddress(request('10.0.0.2'))).toBe('socket 10.0.0.2');
    expect(clientAddress(request('10.0.0.2', ' '))).toBe('socket 10.0.0.2');
    expect(clientAddress(request(undefined, '203.0.113.7'))).toBe('socket unknown');
  });
});
