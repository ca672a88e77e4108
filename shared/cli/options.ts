import { InvalidArgumentError } from 'commander';

/** Parses an integer flag in [min, max]; commander turns the error into a usage error. */
export function intOption(min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`'${value}' is not an integer.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${n} is outside ${min}..${max}.`);
    return n;
  };
}

/**
 * The ports the Fetch standard's "port blocking" refuses (https://fetch.spec.whatwg.org/#port-blocking),
 * which Node's fetch applies: an engine on one answers every probe with "bad port", so it never looks
 * started. Refused at the flag instead, with the reason.
 */
const FETCH_BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** A first port of `span` consecutive ones (moto's split layout takes three), none of them one fetch refuses. */
export function portRunOption(span: number) {
  const int = intOption(1, 65536 - span);
  return (value: string): number => {
    const first = int(value);
    const blocked = Array.from({ length: span }, (_, i) => first + i).filter((p) => FETCH_BLOCKED_PORTS.has(p));
    if (blocked.length)
      throw new InvalidArgumentError(
        `port ${blocked.join(', ')} ${span > 1 ? `(of ${first}..${first + span - 1}) ` : ''}is one that fetch refuses to call (the Fetch standard's blocked ports); choose another.`,
      );
    return first;
  };
}
