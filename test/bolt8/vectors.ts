/**
 * BOLT 8 Appendix A ("Transport Test Vectors"), transcribed from
 * lightning/bolts 08-transport.md. Hex strings without the 0x prefix.
 */

export const INITIATOR = {
  rsPub: '028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7',
  lsPriv: '1111111111111111111111111111111111111111111111111111111111111111',
  lsPub: '034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa',
  ePriv: '1212121212121212121212121212121212121212121212121212121212121212',
  ePub: '036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7',
} as const;

export const RESPONDER = {
  lsPriv: '2121212121212121212121212121212121212121212121212121212121212121',
  lsPub: '028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7',
  ePriv: '2222222222222222222222222222222222222222222222222222222222222222',
  ePub: '02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27',
} as const;

export const ACT_ONE =
  '00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a';
export const ACT_TWO =
  '0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae';
export const ACT_THREE =
  '00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba';

/** Initiator's view: sk, rk; the responder's is the mirror image. */
export const SK = '969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9';
export const RK = 'bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442';
export const CK = '919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01';

type Stage = 'act1' | 'act2' | 'act3';
type Reason = 'bad version' | 'bad public key' | 'bad MAC' | 'short input';

export interface FailureVector {
  readonly name: string;
  /** The spec's error label, e.g. ACT2_READ_FAILED. */
  readonly specError: string;
  readonly input: string;
  readonly stage: Stage;
  readonly reason: Reason;
}

/** Initiator failure cases: act one is the successful one, act two is corrupted. */
export const INITIATOR_FAILURES: readonly FailureVector[] = [
  {
    name: 'transport-initiator act2 short read test',
    specError: 'ACT2_READ_FAILED',
    input: '0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730',
    stage: 'act2',
    reason: 'short input',
  },
  {
    name: 'transport-initiator act2 bad version test',
    specError: 'ACT2_BAD_VERSION 1',
    input: '0102466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae',
    stage: 'act2',
    reason: 'bad version',
  },
  {
    name: 'transport-initiator act2 bad key serialization test',
    specError: 'ACT2_BAD_PUBKEY',
    input: '0004466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae',
    stage: 'act2',
    reason: 'bad public key',
  },
  {
    name: 'transport-initiator act2 bad MAC test',
    specError: 'ACT2_BAD_TAG',
    input: '0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730af',
    stage: 'act2',
    reason: 'bad MAC',
  },
];

/** Responder failures in act one. */
export const RESPONDER_ACT_ONE_FAILURES: readonly FailureVector[] = [
  {
    name: 'transport-responder act1 short read test',
    specError: 'ACT1_READ_FAILED',
    input: '00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c',
    stage: 'act1',
    reason: 'short input',
  },
  {
    name: 'transport-responder act1 bad version test',
    specError: 'ACT1_BAD_VERSION',
    input: '01036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a',
    stage: 'act1',
    reason: 'bad version',
  },
  {
    name: 'transport-responder act1 bad key serialization test',
    specError: 'ACT1_BAD_PUBKEY',
    input: '00046360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a',
    stage: 'act1',
    reason: 'bad public key',
  },
  {
    name: 'transport-responder act1 bad MAC test',
    specError: 'ACT1_BAD_TAG',
    input: '00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6b',
    stage: 'act1',
    reason: 'bad MAC',
  },
];

/** Responder failures in act three (act one is the successful one, act two matches ACT_TWO). */
export const RESPONDER_ACT_THREE_FAILURES: readonly FailureVector[] = [
  {
    name: 'transport-responder act3 bad version test',
    specError: 'ACT3_BAD_VERSION 1',
    input:
      '01b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba',
    stage: 'act3',
    reason: 'bad version',
  },
  {
    name: 'transport-responder act3 short read test',
    specError: 'ACT3_READ_FAILED',
    input:
      '00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139',
    stage: 'act3',
    reason: 'short input',
  },
  {
    name: 'transport-responder act3 bad MAC for ciphertext test',
    specError: 'ACT3_BAD_CIPHERTEXT',
    input:
      '00c9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba',
    stage: 'act3',
    reason: 'bad MAC',
  },
  {
    name: 'transport-responder act3 bad rs test',
    specError: 'ACT3_BAD_PUBKEY',
    input:
      '00bfe3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa2235536ad09a8ee351870c2bb7f78b754a26c6cef79a98d25139c856d7efd252c2ae73c',
    stage: 'act3',
    reason: 'bad public key',
  },
  {
    name: 'transport-responder act3 bad MAC test',
    specError: 'ACT3_BAD_TAG',
    input:
      '00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139bb',
    stage: 'act3',
    reason: 'bad MAC',
  },
];

/** "transport-message test": the initiator sends "hello" 1001 times; these are the shown outputs. */
export const MESSAGE_PAYLOAD = '68656c6c6f';
export const MESSAGE_OUTPUTS: ReadonlyMap<number, string> = new Map([
  [0, 'cf2b30ddf0cf3f80e7c35a6e6730b59fe802473180f396d88a8fb0db8cbcf25d2f214cf9ea1d95'],
  [1, '72887022101f0b6753e0c7de21657d35a4cb2a1f5cde2650528bbc8f837d0f0d7ad833b1a256a1'],
  [500, '178cb9d7387190fa34db9c2d50027d21793c9bc2d40b1e14dcf30ebeeeb220f48364f7a4c68bf8'],
  [501, '1b186c57d44eb6de4c057c49940d79bb838a145cb528d6e8fd26dbe50a60ca2c104b56b60e45bd'],
  [1000, '4a2f3cc3b5e78ddb83dcb426d9863d9d9a723b0337c89dd0b005d89f8d3c05c52b76b29b740f09'],
  [1001, '2ecd8c8a5629d0d02ab457a0fdd0f7b90a192cd46be5ecb6ca570bfc5e268338b1a16cf4ef2d36'],
]);
