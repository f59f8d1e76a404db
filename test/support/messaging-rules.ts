/**
 * `messagingRules` for a test merchant that sends without frequency caps or quiet hours
 * (`POST /v1/merchants`): the café defaults would hold a test's messages overnight or skip
 * its third push. The tests of the rules set them themselves.
 */
export const WITHOUT_RULES = { frequencyCap: null, quietHours: null } as const;
