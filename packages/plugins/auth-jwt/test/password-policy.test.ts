import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../src/password-policy.js';

describe('password policy', () => {
  it.each([
    ['12345678', /characters/],
    ['password', /characters/],
    [' '.repeat(12), /different characters/],
    ['aaaaaaaaaaaa', /different characters/],
    ['1234567890', /common/],
    ['password123', /common/],
    ['qwertyuiop', /common/],
    ['Password123', /common/],
    ['ada.lovelace', /email/],
  ])('refuses %j', (password, why) => {
    expect(passwordProblem(password, 'Ada.Lovelace@example.com')).toMatch(why);
  });

  it.each(['correct horse battery', 'long-enough-pw', 'n7#Lq-2vRx9'])('accepts %j', (password) => {
    expect(passwordProblem(password, 'ada@example.com')).toBeNull();
  });
});
