import { uuidv7 } from 'uuidv7';

/** Ids are UUIDv7, made in the application (time-ordered, so inserts stay index-friendly). */
export function newId(): string {
  return uuidv7();
}
