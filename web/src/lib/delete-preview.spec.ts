import { ApiError } from '../api/client';
import { countLines, previewOfRefusal, rowText } from './delete-preview';

describe('delete preview words', () => {
  it('counts only kinds that have rows, singular and plural', () => {
    expect(countLines({ subgroups: 0, links: 1, memberships: 3 })).toEqual(['1 group link', '3 memberships']);
    expect(countLines({ widgets: 2 })).toEqual(['2 widgets']);
  });

  it('names each row by what identifies it, with its group and role', () => {
    expect(rowText({ email: 'ada@example.com', groupName: 'Eng', role: 'owner' })).toBe(
      'ada@example.com in Eng (owner)',
    );
    expect(rowText({ externalGroup: 'devs', groupName: 'Eng', role: 'developer' })).toBe(
      'devs in Eng (developer)',
    );
    expect(rowText({ name: 'Backend', parentId: 'x' })).toBe('Backend');
    expect(rowText({ name: 'entra push', revoked: false })).toBe('entra push');
    expect(rowText({})).toBe('?');
  });

  it('reads the preview out of a 409 refusal, and nothing out of other errors', () => {
    const preview = {
      target: { type: 'group', id: 'g', name: 'Eng' },
      requiresForce: true,
      counts: {},
      items: {},
    };
    expect(previewOfRefusal(new ApiError(409, 'group_not_empty', 'm', preview))).toEqual(preview);
    expect(previewOfRefusal(new ApiError(409, 'last_owner', 'm'))).toBeNull();
    expect(previewOfRefusal(new ApiError(400, 'validation_failed', 'm', preview))).toBeNull();
    expect(previewOfRefusal(new Error('x'))).toBeNull();
  });
});
