package io.github.ollamalmstudioproxy.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Approximate bits per weight of common quantizations, used only to estimate a model's size when the backend
 * reports a parameter count but no size (LM Studio v0, llama-server without {@code meta.size}).
 *
 * <p>Values are llama.cpp's published averages including block scales (Q4_K_M ≈ 4.89, not 4), so an estimate lands
 * near the real file size. LM Studio's own {@code bits_per_weight} is coarser (4 for Q4_K_M) and is only a fallback.
 */
final class QuantizationBits {
  private static final Map<String, Double> TABLE = Map.ofEntries(
      Map.entry("F32", 32.0),
      Map.entry("F16", 16.0),
      Map.entry("FP16", 16.0),
      Map.entry("BF16", 16.0),
      Map.entry("Q8_0", 8.5),
      Map.entry("Q6_K", 6.56),
      Map.entry("Q5_K_M", 5.69),
      Map.entry("Q5_K_S", 5.54),
      Map.entry("Q5_1", 6.0),
      Map.entry("Q5_0", 5.5),
      Map.entry("Q4_K_M", 4.89),
      Map.entry("Q4_K_S", 4.58),
      Map.entry("Q4_1", 5.0),
      Map.entry("Q4_0", 4.55),
      Map.entry("IQ4_NL", 4.5),
      Map.entry("IQ4_XS", 4.25),
      Map.entry("MXFP4", 4.25),
      Map.entry("Q3_K_L", 4.27),
      Map.entry("Q3_K_M", 3.91),
      Map.entry("Q3_K_S", 3.5),
      Map.entry("IQ3_M", 3.7),
      Map.entry("IQ3_XXS", 3.06),
      Map.entry("Q2_K", 2.96),
      Map.entry("IQ2_M", 2.7),
      Map.entry("IQ2_XXS", 2.06));

  // MLX labels its quantizations "4bit", "8bit"; group scales add roughly half a bit.
  private static final Pattern MLX_BITS = Pattern.compile("^(\\d{1,2})-?BIT$");

  private QuantizationBits() {}

  /** Bits per weight for a quantization name, else the backend's figure, else null. */
  static Double of(String quantization, Double reportedBits) {
    if (quantization != null) {
      String upper = quantization.strip().toUpperCase(Locale.ROOT);
      Double known = TABLE.get(upper);
      if (known != null) {
        return known;
      }
      Matcher m = MLX_BITS.matcher(upper);
      if (m.matches()) {
        return Integer.parseInt(m.group(1)) + 0.5;
      }
    }
    return reportedBits;
  }

  /** Size in bytes ≈ parameters × bits / 8, or null when either factor is unknown. */
  static Long estimateBytes(Long parameterCount, String quantization, Double reportedBits) {
    Double bits = of(quantization, reportedBits);
    if (parameterCount == null || bits == null) {
      return null;
    }
    return Math.round(parameterCount * bits / 8.0);
  }
}
