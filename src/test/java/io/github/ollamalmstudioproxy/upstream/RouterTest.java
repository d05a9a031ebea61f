package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of {@link Router} as a named row: the candidates, the key, the expected order and reason. */
class RouterTest {
  /** A key whose rendezvous winner among a, b and c (weight 1 each) is found, not assumed: see {@link #keyFor}. */
  private static final long KEY_B = keyFor("b", "a", "b", "c");
  private static final long KEY_C = keyFor("c", "a", "b", "c");

  static Candidate free(String name, int inFlight, int capacity) {
    return new Candidate(name, 1, true, true, inFlight, capacity, true);
  }

  static Candidate weighted(String name, int weight, int inFlight, int capacity) {
    return new Candidate(name, weight, true, true, inFlight, capacity, true);
  }

  static Candidate unloaded(String name) {
    return new Candidate(name, 1, false, true, 0, 0, true);
  }

  static Candidate unloadedWeight(String name, int weight) {
    return new Candidate(name, weight, false, true, 0, 0, true);
  }

  static Candidate cannotLoad(String name) {
    return new Candidate(name, 1, false, false, 0, 0, true);
  }

  static Candidate down(Candidate c) {
    return new Candidate(c.backend(), c.weight(), c.loaded(), c.canLoad(), c.inFlight(), c.capacity(), false);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        row("a single healthy backend is the only choice, loaded or not", 0,
            List.of(unloaded("a")), "a", RouteReason.ONLY),
        row("a single healthy backend at capacity is still the only choice", KEY_B,
            List.of(free("a", 4, 4)), "a", RouteReason.ONLY),
        row("a single backend with an open breaker is tried anyway, as unhealthy", 0,
            List.of(down(free("a", 0, 4))), "a", RouteReason.UNHEALTHY),
        row("no key: least in-flight relative to capacity", 0,
            List.of(free("a", 3, 4), free("b", 1, 4), free("c", 2, 4)), "b,c,a", RouteReason.LEAST_BUSY),
        row("no key: the ratio counts, not the count (2/8 beats 1/2)", 0,
            List.of(free("a", 1, 2), free("b", 2, 8)), "b,a", RouteReason.LEAST_BUSY),
        row("no key: equal ratios go to the higher weight", 0,
            List.of(weighted("a", 1, 1, 4), weighted("b", 3, 1, 4)), "b,a", RouteReason.LEAST_BUSY),
        row("no key: equal ratio and weight go by name", 0,
            List.of(free("c", 0, 4), free("a", 0, 4), free("b", 0, 4)), "a,b,c", RouteReason.LEAST_BUSY),
        row("no key: capacity 0 counts as 1", 0,
            List.of(free("a", 0, 0), free("b", 1, 4)), "a,b", RouteReason.LEAST_BUSY),
        row("key: the rendezvous winner among the loaded ones with room, even if busier", KEY_B,
            List.of(free("a", 0, 4), free("b", 3, 4), free("c", 0, 4)), "b", RouteReason.AFFINITY),
        row("key: another key, another winner", KEY_C,
            List.of(free("a", 0, 4), free("b", 0, 4), free("c", 3, 4)), "c", RouteReason.AFFINITY),
        row("key: the affinity backend at capacity spills to one with room", KEY_B,
            List.of(free("a", 0, 4), free("b", 4, 4)), "a,b", RouteReason.AFFINITY),
        row("loaded and free beats loading elsewhere, even with a key that prefers the other", KEY_B,
            List.of(free("a", 3, 4), unloaded("b"), unloaded("c")), "a,b,c", RouteReason.AFFINITY),
        row("loaded and free beats loading elsewhere, no key", 0,
            List.of(unloaded("a"), free("z", 3, 4)), "z,a", RouteReason.LEAST_BUSY),
        row("loaded but full is preferred to a second copy elsewhere", 0,
            List.of(unloaded("a"), free("b", 6, 4), free("c", 4, 4)), "c,b,a", RouteReason.BUSY),
        row("loaded but full: least ratio first, with a key too", KEY_B,
            List.of(free("a", 9, 8), free("b", 5, 4)), "a,b", RouteReason.BUSY),
        row("loaded nowhere: load on the higher weight", 0,
            List.of(unloadedWeight("a", 1), unloadedWeight("b", 2), unloadedWeight("c", 1)), "b,a,c",
            RouteReason.LOAD),
        row("loaded nowhere with a key: load where rendezvous says", KEY_C,
            List.of(unloaded("a"), unloaded("b"), unloaded("c")), "c", RouteReason.LOAD),
        row("weight 0 loses the rendezvous to any positive weight", KEY_B,
            List.of(unloadedWeight("b", 0), unloadedWeight("a", 1)), "a,b", RouteReason.LOAD),
        row("loaded nowhere: one that cannot load comes after those that can", 0,
            List.of(cannotLoad("a"), unloaded("b")), "b,a", RouteReason.LOAD),
        row("only backends that cannot load: still tried, as a load", 0,
            List.of(cannotLoad("b"), cannotLoad("a")), "a,b", RouteReason.LOAD),
        row("healthy before unhealthy, even if the unhealthy one is loaded and idle", 0,
            List.of(down(free("a", 0, 4)), unloaded("b")), "b,a", RouteReason.LOAD),
        row("an open breaker takes the affinity winner out", KEY_B,
            List.of(free("a", 0, 4), down(free("b", 0, 4)), free("c", 0, 4)), "?,?,b", RouteReason.AFFINITY),
        row("all unhealthy: ranked by the same rules", 0,
            List.of(down(unloaded("a")), down(free("b", 2, 4)), down(free("c", 1, 4))), "c,b,a",
            RouteReason.UNHEALTHY),
        row("the failover order: free, then full, then loadable, then neither, then unhealthy", 0,
            List.of(down(free("u", 0, 4)), cannotLoad("n"), unloaded("l"), free("f2", 4, 4), free("f1", 1, 4)),
            "f1,f2,l,n,u", RouteReason.LEAST_BUSY));
  }

  private static Arguments row(String name, long key, List<Candidate> candidates, String order,
      RouteReason reason) {
    return Arguments.of(Named.of(name, candidates), key, order, reason);
  }

  /** {@code order} lists the expected backends from the first; {@code ?} matches any. */
  @ParameterizedTest
  @MethodSource("rules")
  void decides(List<Candidate> candidates, long key, String order, RouteReason reason) {
    RoutingDecision decision = Router.decide(candidates, key);

    assertThat(decision.reason()).isEqualTo(reason);
    List<String> names = decision.order().stream().map(Candidate::backend).toList();
    String[] expected = order.split(",");
    for (int i = 0; i < expected.length; i++) {
      if (!expected[i].equals("?")) {
        assertThat(names.get(i)).as("position %d of %s", i, names).isEqualTo(expected[i]);
      }
    }
    assertThat(names).as("every candidate is in the order once").containsExactlyInAnyOrderElementsOf(
        candidates.stream().map(Candidate::backend).toList());
  }

  @Test
  void theSameCandidatesInAnyInputOrderGiveTheSameOrder() {
    List<Candidate> candidates = new ArrayList<>(List.of(free("a", 1, 4), free("b", 1, 4), free("c", 2, 4),
        unloaded("d"), cannotLoad("e"), down(free("f", 0, 4))));
    for (long key : new long[] {0, KEY_B, KEY_C, 12345}) {
      List<Candidate> first = Router.decide(candidates, key).order();
      for (int i = 0; i < 20; i++) {
        Collections.shuffle(candidates, new java.util.Random(i));
        assertThat(Router.decide(candidates, key).order()).as("key %d, shuffle %d", key, i).isEqualTo(first);
      }
    }
  }

  @Test
  void affinityStaysWithItsBackendWhileItHasRoomWhateverTheLoadElsewhere() {
    for (int inFlight = 0; inFlight < 4; inFlight++) {
      RoutingDecision d = Router.decide(List.of(free("a", 0, 4), free("b", inFlight, 4), free("c", 0, 4)), KEY_B);
      assertThat(d.chosen().backend()).isEqualTo("b");
    }
  }

  @Test
  void noCandidatesIsTheCallersError() {
    assertThatThrownBy(() -> Router.decide(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsAreLowerCaseWithDashes() {
    assertThat(Stream.of(RouteReason.values()).map(RouteReason::label))
        .containsExactly("only", "affinity", "least-busy", "load", "busy", "unhealthy", "failover");
  }

  @Test
  void theDecisionExplainsItselfAndNamesItsFailover() {
    RoutingDecision d = Router.decide(List.of(free("a", 1, 4), free("b", 4, 4), down(unloaded("c"))), 0);
    assertThat(d.explain()).isEqualTo("least-busy a (1/4) then b (4/4, busy), c (unhealthy, not loaded)");
    assertThat(d.failover()).extracting(Candidate::backend).containsExactly("b", "c");
  }

  /** The first key (counting from 1) whose rendezvous winner among {@code names} is {@code winner}. */
  static long keyFor(String winner, String... names) {
    for (long key = 1; ; key++) {
      String best = null;
      double bestScore = -1;
      for (String n : names) {
        double s = Rendezvous.score(key, n, 1);
        if (s > bestScore) {
          bestScore = s;
          best = n;
        }
      }
      if (best.equals(winner)) {
        return key;
      }
    }
  }
}
