/**
 * @module util/fetch-globals
 * Imported first by the daemon's entry (`main.ts`): the light Fetch API classes become the
 * process's `Headers`, `Request` and `Response` before any module can touch Node's (see
 * `fetch-classes.ts`: that would load undici, 6–10 MB resident).
 */
import { installFetchClasses } from './fetch-classes';

installFetchClasses();
