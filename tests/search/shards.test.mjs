// The browser's choice of term shards against the Rust engine's rule (search/src/query/tests.rs,
// `prefix_and_typo_ranges_read_a_bounded_number_of_shards`): the same manifest, the same shards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_RANGE_SHARDS, parseQuery, shardsNeeded } from "../../themes/default/assets/search-engine.js";

test("prefix and typo ranges read a bounded number of shards", () => {
  // A big site: the terms starting with `re` fill six shards.
  const firsts = ["a", "re", "reb", "rec", "req", "rer", "ret", "s"];
  const manifest = { shards: firsts.map((first) => ({ first, file: `${first}.json` })) };
  const needed = (input) => shardsNeeded(parseQuery(input), manifest).map((index) => manifest.shards[index].file);
  assert.deepEqual(needed("request "), ["req.json"]);
  assert.deepEqual(needed("recall "), ["rec.json"]);
  assert.deepEqual(needed("re"), ["re.json", "reb.json"]);
  assert.deepEqual(needed("re "), ["re.json"]);
  for (const input of ["request ", "recall ", "re", "ret", "reconfiguration "]) {
    assert.ok(needed(input).length <= 1 + 2 * MAX_RANGE_SHARDS, input);
  }
});

test("a small site still looks for typos among every term of the two-letter range", () => {
  const manifest = { shards: ["a", "co", "ex", "exq", "k"].map((first) => ({ first, file: `${first}.json` })) };
  const needed = (input) => shardsNeeded(parseQuery(input), manifest).map((index) => manifest.shards[index].file);
  assert.deepEqual(needed("expire "), ["ex.json", "exq.json"]);
  assert.deepEqual(needed("cache "), ["a.json"]);
});
