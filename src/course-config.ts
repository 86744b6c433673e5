/**
 * Course-wide build settings from `course.config.json` (instructors and self-hosters edit it),
 * read at build time by the site and by scripts/build-grader.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CourseConfig {
  /** Whether learners may reveal reference solutions; `hidden` does not even publish them. */
  solutions: 'shown' | 'hidden';
}

/** Reads the config in `root`; `BARISTAS_SOLUTIONS` in `env` overrides the file. Throws on a bad value. */
export function readCourseConfig(root: string = process.cwd(), env: Record<string, string | undefined> = process.env): CourseConfig {
  const file = JSON.parse(readFileSync(join(root, 'course.config.json'), 'utf8')) as Partial<CourseConfig>;
  const solutions = env.BARISTAS_SOLUTIONS ?? file.solutions ?? 'shown';
  if (solutions !== 'shown' && solutions !== 'hidden') {
    throw new Error(`course.config.json: solutions must be "shown" or "hidden", got ${JSON.stringify(solutions)}`);
  }
  return { solutions };
}
