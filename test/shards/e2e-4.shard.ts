// Shard 4 of the e2e files in a whole-suite run: which files, test/support/shards.js decides.
import { runShard } from '../support/run-shard';

runShard(__filename);
