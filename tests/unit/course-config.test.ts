import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCourseConfig, readCourseConfig } from '../../src/course-config.ts';

const withFile = (contents: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'baristas-config-'));
  writeFileSync(join(dir, 'course.config.json'), JSON.stringify(contents));
  return dir;
};

const DEFAULTS = { solutions: 'shown', base: '/', webcontainer: 'ask' };

describe('course.config.json', () => {
  it('has the defaults in the repository’s own config: solutions shown, served at /, WebContainer by consent, no site', () => {
    expect(readCourseConfig(process.cwd(), {})).toEqual(DEFAULTS);
  });

  it('hides solutions when an instructor says so, in the file or with BARISTAS_SOLUTIONS', () => {
    expect(readCourseConfig(withFile({ solutions: 'hidden' }), {})).toEqual({ ...DEFAULTS, solutions: 'hidden' });
    expect(readCourseConfig(withFile({ solutions: 'shown' }), { BARISTAS_SOLUTIONS: 'hidden' })).toMatchObject({ solutions: 'hidden' });
    expect(readCourseConfig(withFile({}), {})).toEqual(DEFAULTS);
  });

  it('refuses a value it does not know, naming the file and the setting', () => {
    expect(() => readCourseConfig(withFile({ solutions: 'sometimes' }), {})).toThrow(/course\.config\.json: solutions must be "shown" or "hidden"/);
    expect(() => parseCourseConfig({ webcontainer: 'yes' })).toThrow(/course\.config\.json: webcontainer must be "off", "ask" or "auto", got "yes"/);
    expect(() => parseCourseConfig({ bsae: '/course/' })).toThrow(/unknown setting "bsae"/);
    expect(() => parseCourseConfig({ base: 3 })).toThrow(/base must be a string/);
  });

  it('takes a base as a plain path, with or without its slashes, and BARISTAS_BASE over the file', () => {
    for (const base of ['course', '/course', '/course/', 'course/']) expect(parseCourseConfig({ base }).base).toBe('/course/');
    expect(parseCourseConfig({ base: '/a/b.c_d-e~/' }).base).toBe('/a/b.c_d-e~/');
    expect(parseCourseConfig({ base: '/course/' }, { BARISTAS_BASE: '/other/' }).base).toBe('/other/');
    expect(parseCourseConfig({ base: '/' }).base).toBe('/');
    for (const bad of ['/../x/', 'https://example.org/course/', '/course?x=1', '/a b/', '/course/#top']) {
      expect(() => parseCourseConfig({ base: bad }), bad).toThrow(/base must be a plain path such as "\/course\/"/);
    }
  });

  it('takes a site as a full address, derives the base from its path, and refuses a path that disagrees with base', () => {
    expect(parseCourseConfig({ site: 'https://example.org' })).toEqual({ ...DEFAULTS, site: 'https://example.org/' });
    expect(parseCourseConfig({ site: 'https://example.org/course' })).toMatchObject({ base: '/course/', site: 'https://example.org/course/' });
    expect(parseCourseConfig({ site: 'https://example.org/', base: '/course/' })).toMatchObject({ base: '/course/', site: 'https://example.org/course/' });
    expect(parseCourseConfig({}, { BARISTAS_SITE: 'https://u.example.edu/~ada/dist/' })).toMatchObject({ base: '/~ada/dist/' });
    expect(() => parseCourseConfig({ site: 'https://example.org/a/', base: '/b/' })).toThrow(/has the path \/a\/ but base is \/b\//);
    expect(() => parseCourseConfig({ site: 'example.org' })).toThrow(/site must be a full address/);
    expect(() => parseCourseConfig({ site: 'ftp://example.org/' })).toThrow(/site must start with https:\/\/ or http:\/\//);
  });

  it('takes webcontainer off, ask or auto, ask by default, BARISTAS_WEBCONTAINER over the file', () => {
    expect(parseCourseConfig({}).webcontainer).toBe('ask');
    expect(parseCourseConfig({ webcontainer: 'off' }).webcontainer).toBe('off');
    expect(parseCourseConfig({ webcontainer: 'off' }, { BARISTAS_WEBCONTAINER: 'auto' }).webcontainer).toBe('auto');
  });
});
