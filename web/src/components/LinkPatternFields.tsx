import { Flex, Text, TextArea } from '@radix-ui/themes';
import { useMemo, useState } from 'react';
import { checkExamples, MATCH_TYPE_HELP, parseExamples, type MatchType } from '../lib/link-pattern';
import { Field } from './ui';

/** The link form's match type, its one-line explanation, the capture switch and the live example check. */
export function LinkPatternFields({
  matchType,
  targetFromCapture,
  pattern,
  onChange,
}: {
  matchType: MatchType;
  targetFromCapture: boolean;
  pattern: string;
  onChange: (next: { matchType: MatchType; targetFromCapture: boolean }) => void;
}) {
  const [examples, setExamples] = useState('');
  const check = useMemo(
    () => checkExamples(matchType, pattern, parseExamples(examples)),
    [matchType, pattern, examples],
  );
  return (
    <Flex direction="column" gap="2">
      <Flex gap="3" wrap="wrap" align="end">
        <Field id="link-match-type" label="Match" hint={MATCH_TYPE_HELP[matchType]}>
          <select
            id="link-match-type"
            className="native-select"
            value={matchType}
            onChange={(e) => {
              const next = e.target.value as MatchType;
              onChange({ matchType: next, targetFromCapture: next === 'regex' && targetFromCapture });
            }}
          >
            <option value="exact">exact name</option>
            <option value="glob">glob (* and ?)</option>
            <option value="regex">regular expression</option>
          </select>
        </Field>
        {matchType === 'regex' ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={targetFromCapture}
              onChange={(e) => onChange({ matchType, targetFromCapture: e.target.checked })}
            />{' '}
            Group from capture: (…) names the target group (never created)
          </label>
        ) : null}
      </Flex>
      <Field id="link-examples" label="Matches these example groups?" hint="One per line or comma-separated">
        <TextArea
          id="link-examples"
          rows={2}
          value={examples}
          onChange={(e) => setExamples(e.target.value)}
        />
      </Field>
      {check.error ? (
        <Text size="1" color="red" role="status">
          Not a valid pattern: {check.error}
        </Text>
      ) : (
        <ul className="example-checks" aria-label="Example check" data-testid="example-checks">
          {check.results.map((r) => (
            <li key={r.example}>
              {r.matches ? '✓' : '✗'} <span className="mono">{r.example}</span>
              {r.matches && targetFromCapture && r.capture !== null ? ` → group "${r.capture}"` : ''}
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}
