import { DEFAULT_EVALUATION_INTERVAL, DEFAULT_SCRAPE_INTERVAL } from '../../../lib/core/intervals';
import { markdownCell, markdownTable } from '../../../lib/core/markdown';

describe('markdownTable', () => {
  test('pads every column to its widest cell, at least three wide, as Biome formats Markdown', () => {
    expect(
      markdownTable(
        ['a', 'severity'],
        [
          ['x', 'warning'],
          ['75 °C', 'critical'],
        ],
      ),
    ).toEqual(['| a     | severity |', '| ----- | -------- |', '| x     | warning  |', '| 75 °C | critical |']);
    expect(markdownTable(['a', 'b'], [])).toEqual(['| a   | b   |', '| --- | --- |']);
  });

  test('a cell escapes the pipe that would end it', () => {
    expect(markdownCell('a | b')).toBe('a \\| b');
  });

  test('fails when a row has another number of cells than the header', () => {
    expect(() => markdownTable(['a', 'b'], [['x']])).toThrow('markdownTable: row 1 has 1 cells, the header 2');
  });
});

describe('the default intervals', () => {
  test('scrape and evaluate every 30 s, declared once', () => {
    expect(DEFAULT_SCRAPE_INTERVAL.toPrometheus()).toBe('30s');
    expect(DEFAULT_EVALUATION_INTERVAL.toPrometheus()).toBe('30s');
  });
});
