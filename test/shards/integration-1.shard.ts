// Shard 1 of the integration files in a whole-suite run: which files, test/support/shards.js decides.
import { runShard } from '../support/run-shard';

runShard(__filename);
