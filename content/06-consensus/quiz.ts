import { defineQuiz } from '../../src/components/quiz/quiz.ts';

// The chapter's check-your-understanding quiz; the progress page reads it too.
export default defineQuiz({
  id: '06-consensus',
  questions: [
    {
      prompt:
        'A timeout misfires and two Paxos proposers both believe they are the distinguished proposer. They run rounds with different proposal numbers at the same time. What can go wrong?',
      choices: [
        'Two different values can be chosen, since Paxos relies on a single leader for safety',
        'Their rounds can keep refusing each other so that nothing is chosen for a while, but no two values can ever be chosen',
        'Nothing at all: Paxos terminates however many proposers run at once',
      ],
      answer: 1,
      explanation:
        'Safety comes from majorities overlapping and from the rule that a proposer must adopt the highest-numbered value reported in phase 1, whoever is proposing. The leader is there only for progress: duelling proposers can keep pre-empting each other, which is the FLP limit showing, so neither "nothing can go wrong" nor "two values" is right.',
    },
    {
      prompt:
        'Three of five acceptors accept `accept(5, "Riverside")`. Every `accepted` message is then lost, and the proposer crashes. Which is true?',
      choices: [
        '"Riverside" is chosen, even though no node knows it yet',
        'Nothing is chosen, because the proposer never heard back from a majority',
        'Nothing is chosen until a learner has been told',
      ],
      answer: 0,
      explanation:
        'A value is chosen at the moment a majority of acceptors has accepted the same proposal. That is a fact about the acceptors, not about what anyone has heard. Any later proposer\'s phase 1 majority includes at least one of those three acceptors, so it learns of "Riverside" and must propose it again: the value can no longer change, even before anyone knows it.',
    },
    {
      prompt:
        'A Raft leader in term 4 finds that an entry from term 2 is now stored on a majority of servers. May it mark that entry committed?',
      choices: [
        'Yes: an entry stored on a majority is committed, whatever its term',
        'Yes, but only once every server has stored it',
        'No: it counts replicas only for entries of its own term; the old entry is committed when a later term-4 entry is committed on a majority',
      ],
      answer: 2,
      explanation:
        'An entry from an earlier term can sit on a majority and still be overwritten: a server whose last entry is from term 3 can win an election against those term-2 logs and replace it (Figure 8 of the Raft paper). Once a term-4 entry is on a majority, no such server can win, and committing it commits everything before it. Waiting for every server is not the rule and would stall on one slow follower.',
    },
    {
      prompt:
        'Southside writes a new price to a ZooKeeper znode and gets its acknowledgement. Northside, connected to a different server, then reads that znode. What does it see?',
      choices: [
        'The new price, because ZooKeeper is linearizable',
        'Possibly the old price, because reads are answered by its own server, which may lag, unless Northside calls `sync` first',
        'An error, because the write has not reached every server',
      ],
      answer: 1,
      explanation:
        'ZooKeeper makes writes linearizable and keeps each client\'s requests in order, but reads are served locally by the server a client is connected to, and it may not yet have applied the latest commits. `sync` before the read makes that server catch up with the leader first. Local reads are how ZooKeeper scales reads; it does not refuse them.',
    },
    {
      prompt:
        'Riverside holds a ZooKeeper lock, pauses for a long garbage collection past its session timeout, then wakes and writes to the roaster\'s order system. Southside has held the lock since the session expired. What stops the write?',
      choices: [
        'Nothing in the lock recipe; the roaster must check a fencing token, such as the lock node\'s sequence number, and refuse one lower than it has already seen',
        'ZooKeeper, which rejects writes from clients whose sessions have expired',
        'Riverside\'s ephemeral node, which ZooKeeper keeps while Riverside is paused',
      ],
      answer: 0,
      explanation:
        'ZooKeeper did its part: it expired the session, deleted the node and gave the lock to Southside. But the write goes to the roaster, not to ZooKeeper, and Riverside does not yet know its session is gone. Only the resource can stop it, by checking a number that grows with each grant. Chubby\'s sequencers do the same.',
    },
    {
      prompt:
        'A till sets a watch on `/menu/price`. The price changes three times in quick succession. How many of those changes does the till learn of from its watch?',
      choices: [
        'All three, in order',
        'Three, but possibly out of order',
        'One notification that the znode changed; reading it again shows the current price, and the changes in between are never reported separately',
      ],
      answer: 2,
      explanation:
        'A watch is a one-time trigger: it fires on the next change and is gone. Until the till reads the znode and sets the watch again, further changes produce no notification. Watches say that something changed, not every change, so code that needs each change must keep it in the data itself, for example as sequential nodes.',
    },
    {
      prompt: 'A team runs a ZooKeeper ensemble of four servers. Which is true?',
      choices: [
        'It will not form a quorum, because an ensemble must have an odd number of servers',
        'It works, needs three servers for a majority, and so tolerates one failure, the same as three servers',
        'It tolerates two failures, one more than three servers',
      ],
      answer: 1,
      explanation:
        'Any size works; a majority of four is three, so the ensemble survives one failure, exactly as three servers do, while paying for an extra machine and a larger quorum. That is why odd sizes are usual, not why they are required. Tolerating two failures takes five servers.',
    },
    {
      prompt:
        'One of five Raft servers has a corrupted disk: it keeps answering, but votes for two candidates in the same term and reports entries it never received. Which is true?',
      choices: [
        'Raft tolerates it, since two of five servers may fail',
        'Raft does not tolerate it: Raft, like Paxos and Zab, assumes crash faults, and a node that breaks the protocol can get two leaders elected in one term or conflicting entries committed',
        'Raft tolerates it once the corrupted server is outvoted by the other four',
      ],
      answer: 1,
      explanation:
        'Crash-fault consensus tolerates nodes that stop, restart, run slowly or lose messages, but it trusts what every node says. One server voting twice can give two candidates a majority each in the same term. Tolerating f nodes that lie (Byzantine faults) takes protocols such as PBFT and at least 3f + 1 nodes; inside one data centre, checksums and authentication turn most corruption into detectable crashes instead.',
    },
  ],
});
