/** The local engines a run used, saying whether moto ran with the launcher's race fixes (when the results record it). */
export function fmtEmulators(em: { moto: string; motoPatched?: boolean | undefined; temporalCli: string }): string {
  const patch = em.motoPatched === undefined ? '' : em.motoPatched ? ' with the launcher’s race fixes' : ' WITHOUT the launcher’s race fixes';
  return `moto ${em.moto}${patch}, Temporal CLI ${em.temporalCli}`;
}
