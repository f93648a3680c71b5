import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  const base = 'https://sso.example.com';
  it.each([
    ['/dashboard?x=1', '/dashboard?x=1'],
    ['https://sso.example.com/app', 'https://sso.example.com/app'],
    ['https://evil.example.com/app', '/home'],
    ['//evil.example.com', '/home'],
    ['/\\evil.example.com', '/home'],
    ['javascript:alert(1)', '/home'],
    ['http://sso.example.com/app', '/home'],
    ['', '/home'],
    [undefined, '/home'],
  ])('%p -> %p', (input, expected) => {
    expect(safeReturnTo(input, base, '/home')).toBe(expected);
  });
});
