import { describe, expect, it } from 'vitest';
import { partnerFiller } from '../../../src/domain/partnerFiller.js';

describe('partnerFiller: partner-visible text that says nothing', () => {
  it.each([
    'tbd',
    'TBD',
    'n/a',
    'N/A',
    '-',
    '—',
    '...',
    'asdf',
    'test test test',
    'Lorem ipsum dolor',
    'Call them',
  ])('refuses %j as the partner next move', (move) => {
    expect(partnerFiller('partnerNextMove', move)).toContain('tells them nothing');
  });

  it.each([
    'Dana introduces Ken Ito, their CFO.',
    'Intro call Friday',
    'Dana confirms the meeting and shares the review notes.',
  ])('takes %j', (move) => {
    expect(partnerFiller('partnerNextMove', move)).toBeUndefined();
  });

  it('refuses a first name alone, or a placeholder, as the partner contact; takes a full name', () => {
    expect(partnerFiller('partnerContactName', 'Dana')).toContain('full name');
    expect(partnerFiller('partnerContactName', 'TBD')).toContain('placeholder');
    expect(partnerFiller('partnerContactName', 'Dana Reyes')).toBeUndefined();
    expect(partnerFiller('partnerContactName', 'Dana R.')).toBeUndefined();
  });

  it('refuses a placeholder as the account or the partner, not a one-word name', () => {
    expect(partnerFiller('accountName', 'n/a')).toContain('placeholder');
    expect(partnerFiller('partnerOrg', 'TBD')).toContain('placeholder');
    expect(partnerFiller('partnerOrg', 'Meridian')).toBeUndefined();
    expect(partnerFiller('accountName', 'Contoso')).toBeUndefined();
  });

  it('leaves empty text to the required-field message', () => {
    expect(partnerFiller('partnerNextMove', '   ')).toBeUndefined();
  });
});
