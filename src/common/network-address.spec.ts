import { classifyAddress, literalInternalHost, v6Bytes } from './network-address';

describe('classifyAddress (where a server-side request to a tenant URL may go)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.10.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['64:ff9b:1::a9fe:a9fe', 'reserved'],
    ['2001::7f00:1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('reads every IPv6 text form to the same bytes', () => {
    expect(v6Bytes('::ffff:127.0.0.1')).toEqual(v6Bytes('0:0:0:0:0:ffff:7f00:0001'));
    expect(v6Bytes('fe80::1')).toEqual([0xfe, 0x80, ...new Array(13).fill(0), 1]);
  });
});

describe('literalInternalHost (write-time check of an IdP URL)', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'loopback'],
    ['https://10.1.2.3/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[::1]:3000/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['http://idp.localhost/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['https://[64:ff9b:1::a9fe:a9fe]/', 'reserved'],
    ['https://[2001::7f00:1]/', 'reserved'],
    ['http://[fe80::1%25eth0]/', 'link-local'],
  ])('%s is %s', (url, kind) => {
    expect(literalInternalHost(url)).toBe(kind);
  });

  it('leaves DNS names and public addresses to the fetch-time check', () => {
    expect(literalInternalHost('https://login.example.com/')).toBeNull();
    expect(literalInternalHost('https://8.8.8.8/')).toBeNull();
  });
});
