import type { ConfigContext } from './config-context';
import { checkLabelNames, type LabelMatcher, renderMatchers } from './matchers';

/** While an alert matching `source` fires, alerts matching `target` with the same `equal` labels are muted. */
export interface InhibitRuleProps {
  readonly source: readonly LabelMatcher[];
  readonly target: readonly LabelMatcher[];
  /** Labels source and target must share (the same device, the same alert name). */
  readonly equal: readonly string[];
}

/** `inhibit_rules`, each rule checked; errors name the rule by its position, from 1. */
export function renderInhibitRules(ctx: ConfigContext, rules: readonly InhibitRuleProps[]): object[] {
  return rules.map((rule, i) => {
    const where = `inhibit rule ${i + 1}`;
    const source = renderMatchers(ctx, where, 'source', rule.source);
    const target = renderMatchers(ctx, where, 'target', rule.target);
    if (rule.equal.length === 0) {
      ctx.fail(
        `${where}: 'equal' must name at least one label; without one, a single source alert would mute every target alert everywhere`,
      );
    }
    checkLabelNames(ctx, where, 'equal', rule.equal);
    return { source_matchers: source, target_matchers: target, equal: [...rule.equal] };
  });
}
