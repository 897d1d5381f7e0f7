import { readFileSync } from 'node:fs';

/** One Hacker News search hit, as the Algolia HN API returns it (the fields the demo uses). */
export interface Story {
  readonly objectID: string;
  readonly title: string;
  readonly url: string | null;
  readonly author: string;
  readonly points: number;
  readonly num_comments: number;
  readonly created_at: string;
}

/** The ~100 stories shipped with the demo (no network at run time). */
export function loadStories(): Story[] {
  const file = new URL('./fixtures/hn-stories.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { hits: Story[] }).hits;
}
