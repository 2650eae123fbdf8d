import type { Unit } from '../core';

/**
 * An alert annotation (summary, description) as typed parts: literal text, a label of the alert,
 * and the alert's value with its unit. It renders to the Go template Prometheus evaluates, and,
 * for the generated promtool tests, to the exact text Prometheus will produce for given values.
 */
export type AlertTextPart = string | LabelRef | ValueRef;

export interface LabelRef {
  readonly kind: 'label';
  readonly name: string;
}

export interface ValueRef {
  readonly kind: 'value';
  readonly unit: Unit;
}

/** The alert's label `name`, e.g. the device it fires for. */
export function label(name: string): LabelRef {
  return { kind: 'label', name };
}

/** The alert's value, written in `unit` (the unit of the metric the expression returns). */
export function value(unit: Unit): ValueRef {
  return { kind: 'value', unit };
}

/** A value written into the text as it prints: a threshold (`25 ms`), a duration (`5m`), a number. */
export type Printable = string | number | { toString(): string };

function isRef(ref: LabelRef | ValueRef | Printable): ref is LabelRef | ValueRef {
  return typeof ref === 'object' && ref !== null && 'kind' in ref && (ref.kind === 'label' || ref.kind === 'value');
}

export class AlertText {
  /** Tagged template: ``AlertText.of`Latency on ${label('device')} is ${value(Units.milliseconds)}` ``. */
  public static of(strings: TemplateStringsArray, ...refs: ReadonlyArray<LabelRef | ValueRef | Printable>): AlertText {
    const parts: AlertTextPart[] = [];
    strings.forEach((text, i) => {
      if (text !== '') parts.push(text);
      if (i < refs.length) {
        const ref = refs[i];
        parts.push(isRef(ref) ? ref : String(ref));
      }
    });
    return new AlertText(parts, false);
  }

  /**
   * Text written by hand as a Prometheus Go template (a team's own alert). It is rendered as is;
   * the generated rule tests cannot predict it, so they leave the annotation unchecked.
   */
  public static template(text: string): AlertText {
    return new AlertText([text], true);
  }

  private constructor(
    public readonly parts: readonly AlertTextPart[],
    /** True when the text is a raw Go template whose rendering the generator cannot predict. */
    public readonly opaque: boolean,
  ) {}

  /** The Go template Prometheus renders. */
  public toGoTemplate(): string {
    return this.parts
      .map((part) => {
        if (typeof part === 'string') return part;
        if (part.kind === 'label') return `{{ $labels.${part.name} }}`;
        return goValueTemplate(part.unit);
      })
      .join('');
  }

  /** The text Prometheus renders for an alert with these labels and value. */
  public render(labels: Readonly<Record<string, string>>, alertValue: number): string {
    return this.parts
      .map((part) => {
        if (typeof part === 'string') return part;
        if (part.kind === 'label') return labels[part.name] ?? '';
        return renderValue(part.unit, alertValue);
      })
      .join('');
  }

  /** Label names the text refers to. */
  public get labelNames(): readonly string[] {
    return this.parts.flatMap((part) => (typeof part !== 'string' && part.kind === 'label' ? [part.name] : []));
  }
}

/** A 0-1 ratio reads best as a percent; every other unit as two decimals and its symbol. */
function goValueTemplate(unit: Unit): string {
  if (unit.dimension === 'fraction' && unit.factor === 1) return '{{ $value | humanizePercentage }}';
  const number = '{{ $value | printf "%.2f" }}';
  if (unit.symbol === '') return number;
  return unit.symbol === '%' ? `${number}%` : `${number} ${unit.symbol}`;
}

function renderValue(unit: Unit, v: number): string {
  if (unit.dimension === 'fraction' && unit.factor === 1) return `${formatGoG(v * 100, 4)}%`;
  const number = v.toFixed(2);
  if (unit.symbol === '') return number;
  return unit.symbol === '%' ? `${number}%` : `${number} ${unit.symbol}`;
}

/** Go's `%.<precision>g`, as Prometheus' humanizePercentage uses it. */
export function formatGoG(v: number, precision: number): string {
  if (v === 0) return '0';
  const [mantissa, exponentText] = v.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const m = stripZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    return `${m}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(v.toFixed(Math.max(0, precision - 1 - exponent)));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Why `text` would not parse as a Go template, for the delimiters Prometheus' template engine
 * needs: every `{{` closed by a `}}` before the next one opens, and no `}}` without its `{{`.
 * The actions themselves are left to Prometheus (promtool checks them in the tests).
 */
export function goTemplateProblem(text: string): string | undefined {
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    const close = text.indexOf('}}', at);
    if (open === -1) return close === -1 ? undefined : `'}}' at offset ${close} closes no action`;
    if (close !== -1 && close < open) return `'}}' at offset ${close} closes no action`;
    const end = text.indexOf('}}', open + 2);
    const next = text.indexOf('{{', open + 2);
    if (end === -1 || (next !== -1 && next < end)) return `the action opened at offset ${open} is never closed`;
    at = end + 2;
  }
}
