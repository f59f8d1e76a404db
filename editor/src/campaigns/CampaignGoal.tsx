/**
 * The campaign's goal and hold-out, in the same words as a flow's trigger ("Count a visit
 * within 7 days as success", "Keep 0% back to measure it"): the trigger form's own
 * `GoalFields`, fed from the campaign draft, with the card's holders as the audience for
 * the small-audience warning.
 */
import { GoalFields } from '../results/GoalFields';
import { useSegmentCount } from '../flows/use-segment-count';
import type { CampaignDraft } from './campaign-draft';

/** A campaign goes to everyone holding the card: every holder has 0 stamps or more. */
const EVERY_HOLDER = { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 0 }] };

/** Campaigns keep nobody back unless the owner asks (journeys keep 10%). */
export const CAMPAIGN_DEFAULT_HOLDOUT = 0;

export function CampaignGoal({
  draft,
  update,
}: {
  draft: CampaignDraft;
  update: (fields: [], patch: Partial<CampaignDraft>) => void;
}) {
  const holders = useSegmentCount(EVERY_HOLDER, draft.cardId || undefined, draft.cardId !== '');
  const data = {
    ...(draft.goal ? { goal: draft.goal } : {}),
    ...(draft.holdoutPercent !== undefined ? { holdoutPercent: draft.holdoutPercent } : {}),
  };
  return (
    <GoalFields
      data={data}
      set={(patch) => {
        const goal = patch['goal'] as CampaignDraft['goal'] | undefined;
        const holdout = patch['holdoutPercent'];
        update([], {
          ...(goal ? { goal } : {}),
          ...(typeof holdout === 'number' ? { holdoutPercent: holdout } : {}),
        });
      }}
      defaultHoldout={CAMPAIGN_DEFAULT_HOLDOUT}
      audience={holders.state === 'done' ? holders.count : undefined}
      subject="campaign"
      messages={[]}
    />
  );
}
