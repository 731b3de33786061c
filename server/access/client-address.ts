import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config.ts';

/** Finds a request's client address from its socket's peer and its `X-Forwarded-For`. */
export type ClientAddressOf = (
  peerAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
) => string;

/**
 * The address a request's per-address limits count against. `X-Forwarded-For` is believed only
 * as far as `TRUST_PROXY` says: anyone can send the header, so an untrusted hop's claim is
 * ignored. IPv6 addresses count by their /64, the block one subscriber usually holds.
 */
export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  const trusted = new BlockList();
  if (trust.kind === 'cidrs') {
    for (const cidr of trust.cidrs) {
      const [address = '', prefix] = cidr.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      const bits = prefix === undefined ? (type === 'ipv6' ? 128 : 32) : Number(prefix);
      trusted.addSubnet(address, bits, type);
    }
  }
  const isTrusted = (address: string): boolean => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (peerAddress, forwardedFor) => {
    const peer = unmapped(peerAddress ?? 'unknown');
    if (trust.kind === 'none') return countedAs(peer);
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
    // The nearest hop is last: the peer, then each address the proxies appended, right to left.
    const chain = [
      ...header
        .split(',')
        .map((entry) => unmapped(entry.trim()))
        .filter((entry) => entry !== ''),
      peer,
    ];
    if (trust.kind === 'hops') {
      return countedAs(chain[Math.max(0, chain.length - 1 - trust.hops)] ?? peer);
    }
    let index = chain.length - 1;
    while (index > 0 && isTrusted(chain[index] ?? '')) index--;
    return countedAs(chain[index] ?? peer);
  };
}

/** `::ffff:1.2.3.4`, how a dual-stack socket shows an IPv4 peer, as `1.2.3.4`. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** The key an address counts under: IPv4 as is, IPv6 by its first 64 bits; anything else as is. */
function countedAs(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]?.split('::') ?? [''];
  const groups = (part: string | undefined) =>
    part
      ? part.split(':').flatMap((group) => (group.includes('.') ? ipv4Groups(group) : [group]))
      : [];
  const left = groups(head);
  const right = groups(tail);
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

/** An embedded IPv4 tail (`::1.2.3.4`) as two hex groups. */
function ipv4Groups(ipv4: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
