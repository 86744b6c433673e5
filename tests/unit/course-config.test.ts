import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCourseConfig } from '../../src/course-config.ts';

const withFile = (contents: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'baristas-config-'));
  writeFileSync(join(dir, 'course.config.json'), JSON.stringify(contents));
  return dir;
};

describe('course.config.json', () => {
  it('shows solutions in the repository’s own config', () => {
    expect(readCourseConfig(process.cwd(), {})).toEqual({ solutions: 'shown' });
  });

  it('hides them when an instructor says so, in the file or with BARISTAS_SOLUTIONS', () => {
    expect(readCourseConfig(withFile({ solutions: 'hidden' }), {})).toEqual({ solutions: 'hidden' });
    expect(readCourseConfig(withFile({ solutions: 'shown' }), { BARISTAS_SOLUTIONS: 'hidden' })).toEqual({ solutions: 'hidden' });
    expect(readCourseConfig(withFile({}), {})).toEqual({ solutions: 'shown' });
  });

  it('refuses a value it does not know, naming the file', () => {
    expect(() => readCourseConfig(withFile({ solutions: 'sometimes' }), {})).toThrow(/course\.config\.json: solutions must be "shown" or "hidden"/);
  });
});
