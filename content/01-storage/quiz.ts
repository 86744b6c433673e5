import { defineQuiz } from '../../src/components/quiz/quiz.ts';

// The chapter's check-your-understanding quiz; the progress page reads it too.
export default defineQuiz({
  id: '01-storage',
  questions: [
    {
      prompt:
        'A Dynamo-style store keeps N = 5 replicas of each key and writes with W = 3. What is the smallest R that guarantees every read overlaps the latest completed write?',
      choices: ['R = 2, since W = 3 is already a majority of 5', 'R = 3', 'R = 5, because only reading every replica is safe'],
      answer: 1,
      explanation:
        'Overlap needs R + W > N. With R = 3, 3 + 3 = 6 > 5, so any 3 readers share at least one replica with any 3 writers. R = 2 gives 2 + 3 = 5, which is not more than 5: the two replicas read could be exactly the two the write missed. R = 5 also works but is not the smallest.',
    },
    {
      prompt:
        "Ada's write goes to the leader; her reads go to followers that may lag. Which technique guarantees she reads her own write without sending all her reads to the leader?",
      choices: [
        'Remember the log index of her last write and accept only a follower that has caught up to it',
        'Read from a random follower and retry if the value looks old',
        'Replicate faster, so that the lag is usually a few milliseconds',
      ],
      answer: 0,
      explanation:
        "The log index gives the till a precise test: a follower at or past that index has her write. A follower's value cannot look old on its own, since the reader doesn't know what the new value is, and faster replication shrinks the window but never closes it.",
    },
    {
      prompt: 'Four baristas sit on a consistent-hashing ring with one token each. A fifth joins with one token. Which keys change owner?',
      choices: [
        'About four fifths of all keys, as with `hash(key) mod n`',
        "Roughly a fifth of each existing barista's keys",
        'Only the keys between the new token and the previous token counter-clockwise, all taken from one barista',
      ],
      answer: 2,
      explanation:
        'With one token each, the newcomer takes over part of a single arc: keys that used to walk clockwise to its successor now stop at the new token. Taking an even share from every barista is what virtual nodes achieve, and moving most keys is the mod-n problem that consistent hashing avoids.',
    },
    {
      prompt:
        'Orders are range-partitioned by timestamp, and the shard holding the newest range is overloaded while the others idle. Which change spreads the write load?',
      choices: [
        'Partition by a hash of the order id instead, accepting that time-range queries must visit every shard',
        'Add followers to the newest shard',
        'Split the key space into more, smaller time ranges',
      ],
      answer: 0,
      explanation:
        "Every new order has the latest timestamp, so under range partitioning all writes go to whichever shard holds now, however finely the ranges are cut. Followers only add read capacity, since writes still go through the shard's leader. Hashing spreads writes evenly, at the cost of scatter/gather for range queries.",
    },
    {
      prompt: 'In a Dynamo-style store with N = 3, R = 2, W = 2 and sloppy quorums, which statement is true during a network partition?',
      choices: [
        "Writes are refused whenever fewer than two of the key's home replicas are reachable",
        'A write may be acknowledged by stand-in nodes holding hints, so a later read of two home replicas can miss it',
        'Because R + W > N, every read still sees the latest acknowledged write',
      ],
      answer: 1,
      explanation:
        'A sloppy quorum counts acknowledgements from any healthy nodes further round the ring, which keep the write with a hint until the owner returns. That keeps writes available, but the overlap argument only covers the home replicas. Refusing writes is the strict-quorum behaviour that sloppy quorums exist to avoid.',
    },
    {
      prompt: 'A client reads a 1 GB file from HDFS. How does the data travel?',
      choices: [
        'The NameNode streams the blocks to the client, since it knows where they are',
        'The client hashes each block id onto a ring of DataNodes to find it, without asking anyone',
        'The client asks the NameNode for the block locations, then reads each block directly from a DataNode holding it',
      ],
      answer: 2,
      explanation:
        'HDFS keeps metadata on the NameNode and bulk data on DataNodes, so the NameNode only answers where the blocks are. Streaming data through it would make it the bottleneck. HDFS places blocks by policy (rack awareness, free space) and records their locations, rather than deriving them from a hash ring.',
    },
  ],
});
