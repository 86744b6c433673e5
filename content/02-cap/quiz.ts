import { defineQuiz } from '../../src/components/quiz/quiz.ts';

// The chapter's check-your-understanding quiz; the progress page reads it too.
export default defineQuiz({
  id: '02-cap',
  questions: [
    {
      prompt:
        'During a partition, a replica on the minority side replies "Error: cannot reach quorum, try later" to every request. In Gilbert and Lynch\'s terms, what has the system given up?',
      choices: [
        'Nothing: the replica responded, so the system is still available',
        'Partition tolerance, because the replica stopped working when the network split',
        'Availability, because an error is not an answer to the request',
      ],
      answer: 2,
      explanation:
        'CAP availability requires every request to a non-failed node to get an actual response to the operation, and a refusal is not one. This is the CP choice. Partition tolerance is not lost: the system is still keeping its promise (never a stale answer) despite the partition.',
    },
    {
      prompt: 'A register holds 10. Client A writes 2, and the write completes. Which of these reads is forbidden by linearizability?',
      choices: [
        "A read that started after A's write completed returns 10",
        "A read that overlapped A's write in time returns 10",
        "A read that started before A's write and finished after it returns 2",
      ],
      answer: 0,
      explanation:
        'Once a write has completed, every read that starts later must see it or something newer. A read overlapping the write may return either value, because the write has not finished, so returning 10 or 2 there is allowed.',
    },
    {
      prompt: 'A vendor describes its replicated database, spread over three servers, as CA. What is the most accurate reading?',
      choices: [
        'It stays consistent and available even during network partitions',
        'It has traded partition tolerance for better performance, which makes partitions impossible',
        'It assumes partitions will not happen; when one does, it will give up consistency or availability anyway',
      ],
      answer: 2,
      explanation:
        "Partitions happen to any system that communicates over a network, so there is no real CA option for a distributed system. Choosing not to plan for partitions doesn't prevent them; it only means the system's behaviour during one was never designed.",
    },
    {
      prompt: 'Cassandra, N = 3, no failures at all. Why is a read at `QUORUM` slower than a read at `ONE`?',
      choices: [
        'The coordinator must wait for the second-fastest of three replicas instead of the fastest',
        "It isn't: without a partition, CAP says consistency and availability are both free",
        '`QUORUM` reads must go through a leader, which adds a network hop',
      ],
      answer: 0,
      explanation:
        'This is the else branch of PACELC: even without partitions, consistency costs latency because more replicas must answer. CAP only speaks about behaviour during a partition, and it says nothing about speed. Cassandra has no leader; the cost comes from waiting for more replicas.',
    },
    {
      prompt:
        "Both branches read Ada's tab from a linearizable store, see £10, approve an £8 breakfast each and write back £2. The tab has been spent twice. Which guarantee would have prevented this?",
      choices: [
        "Reading at a stronger consistency level, so that each branch sees the other's latest write",
        'Transactional isolation, or a conditional write, which is what the C of ACID relies on to keep the rule that a tab never goes negative',
        "Higher availability, so that each branch could see the other's write",
      ],
      answer: 1,
      explanation:
        'Every read did return the latest completed write, so CAP consistency held, and a stronger read level cannot add anything. The problem is two read-then-write sequences interleaving, which is a transaction and isolation problem. Linearizability is a per-operation guarantee and does not make a sequence of operations atomic.',
    },
    {
      prompt:
        "During a partition, the station writes a new balance at 08:12 real time and the original branch writes another at 08:15. The station's clock runs five minutes fast. After the heal, both replicas keep the value with the later wall-clock timestamp. What happens?",
      choices: [
        "The original branch's value wins, because it was written last",
        'The replicas never converge, because their clocks disagree',
        "The station's value wins, because its timestamp reads 08:17, and the later write is silently discarded",
      ],
      answer: 2,
      explanation:
        "Both replicas compare the same two timestamps, so they do converge, but on the value stamped 08:17, which was written first, and the 08:15 write is lost. Last-writer-wins is only as good as the clocks. A version that reads no clock, such as a Lamport counter with the node id as a tie-break, makes a write that has seen another win over it; but these two writes were concurrent, neither branch having seen the other's. Any version order then just picks one of them, the same one everywhere and not necessarily the later one in real time, and the other is still lost. Not losing either takes keeping both, or merging them.",
    },
  ],
});
