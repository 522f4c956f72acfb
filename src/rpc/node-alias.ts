/**
 * Core Lightning's default `alias` and `color` for a node id
 * (lightningd/options.c `setup_color_and_alias`), shown by getinfo: the
 * color is the first three bytes of the compressed public key; the alias is
 * an adjective and a noun picked by two little-endian 64-bit words of the key
 * (bytes 3–10 and 11–18), as a non-developer lightningd names itself.
 * Pure module.
 */

// Core Lightning's word lists (from the NSA product-name generator), in its order.
const ADJECTIVES = [
  'LOUD', 'RED', 'BLUE', 'GREEN', 'YELLOW', 'IRATE', 'ANGRY', 'PEEVED', 'HAPPY', 'SLIMY', 'SLEEPY', 'JUNIOR', 'SLICKER', 'UNITED', 'SOMBER',
  'BIZARRE', 'ODD', 'WEIRD', 'WRONG', 'LATENT', 'CHILLY', 'STRANGE', 'LOUD', 'SILENT', 'HOPPING', 'ORANGE', 'VIOLET', 'VIOLENT', 'LIGHTNING',
] as const;
const NOUNS = [
  'WHISPER', 'FELONY', 'MOON', 'SUCKER', 'PENGUIN', 'WAFFLE', 'MAESTRO', 'NIGHT', 'TRINITY', 'DEITY', 'MONKEY', 'ARK', 'SQUIRREL', 'IRON',
  'BOUNCE', 'FARM', 'CHEF', 'TROUGH', 'NET', 'TRAWL', 'GLEE', 'WATER', 'SPORK', 'PLOW', 'FEED', 'SOUFFLE', 'ROUTE', 'BAGEL', 'MONTANA',
  'ANALYST', 'AUTO', 'WATCH', 'PHOTO', 'YARD', 'SOURCE', 'MONKEY', 'SEAGULL', 'TOLL', 'SPAWN', 'GOPHER', 'CHIPMUNK', 'SET', 'CALENDAR',
  'ARTIST', 'CHASER', 'SCAN', 'TOTE', 'BEAM', 'ENTOURAGE', 'GENESIS', 'WALK', 'SPATULA', 'RAGE', 'FIRE', 'MASTER',
] as const;

/** The color: the key's first three bytes, as six hex digits. */
export function defaultColor(id: string): string {
  return id.slice(0, 6);
}

/** The alias Core Lightning gives itself when none is configured. */
export function defaultAlias(id: string): string {
  const key = Buffer.from(id, 'hex');
  const adjective = key.readBigUInt64LE(3) % BigInt(ADJECTIVES.length);
  const noun = key.readBigUInt64LE(11) % BigInt(NOUNS.length);
  return `${ADJECTIVES[Number(adjective)]}${NOUNS[Number(noun)]}`;
}
