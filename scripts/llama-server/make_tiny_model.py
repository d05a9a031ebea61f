#!/usr/bin/env python3
"""Writes a tiny random-weight llama GGUF (about 5 MB) that llama-server can load and serve.

Usage: PYTHONPATH=<llama.cpp>/gguf-py python3 make_tiny_model.py <llama.cpp>/models/ggml-vocab-llama-spm.gguf out.gguf

The tokenizer comes from the vocab-only GGUF in llama.cpp's source; the weights are N(0, 0.02) noise, so the
output is gibberish by design. context_length is 65536 so a stream can run long enough to be cancelled.
See shared/reference/llama-server.md section 7.
"""
import sys

import gguf
import numpy as np

EMBD, FF, BLOCKS, HEADS, CTX = 64, 128, 2, 4, 65536
CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def field(reader, name):
    f = reader.fields[name]
    if hasattr(f, "contents"):
        return f.contents()
    values = [f.parts[i] for i in f.data]  # older gguf-py: data indexes into parts
    if f.types and f.types[0] == gguf.GGUFValueType.ARRAY:
        if f.types[-1] == gguf.GGUFValueType.STRING:
            return [bytes(v).decode("utf-8") for v in values]
        return [v.tolist()[0] for v in values]
    if f.types[0] == gguf.GGUFValueType.STRING:
        return bytes(values[0]).decode("utf-8")
    return values[0].tolist()[0]


def main(vocab_path, out_path):
    vocab = gguf.GGUFReader(vocab_path)
    rng = np.random.default_rng(42)

    def noise(*shape, dtype=np.float32):
        return rng.normal(0.0, 0.02, size=shape).astype(dtype)

    w = gguf.GGUFWriter(out_path, "llama")
    w.add_name("tiny-llama-random")
    w.add_context_length(CTX)
    w.add_embedding_length(EMBD)
    w.add_block_count(BLOCKS)
    w.add_feed_forward_length(FF)
    w.add_head_count(HEADS)
    w.add_head_count_kv(HEADS)
    w.add_rope_dimension_count(EMBD // HEADS)
    w.add_layer_norm_rms_eps(1e-5)

    w.add_tokenizer_model(field(vocab, "tokenizer.ggml.model"))
    w.add_token_list(field(vocab, "tokenizer.ggml.tokens"))
    w.add_token_scores(field(vocab, "tokenizer.ggml.scores"))
    w.add_token_types(field(vocab, "tokenizer.ggml.token_type"))
    w.add_bos_token_id(field(vocab, "tokenizer.ggml.bos_token_id"))
    w.add_eos_token_id(field(vocab, "tokenizer.ggml.eos_token_id"))
    w.add_unk_token_id(field(vocab, "tokenizer.ggml.unknown_token_id"))
    w.add_chat_template(CHATML)

    n_vocab = len(field(vocab, "tokenizer.ggml.tokens"))
    ones = np.ones(EMBD, dtype=np.float32)
    # No output.weight: llama.cpp then ties the output projection to token_embd.
    w.add_tensor("token_embd.weight", noise(n_vocab, EMBD, dtype=np.float16))
    w.add_tensor("output_norm.weight", ones)
    for i in range(BLOCKS):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(f"blk.{i}.{t}.weight", noise(EMBD, EMBD))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_gate.weight", noise(FF, EMBD))
        w.add_tensor(f"blk.{i}.ffn_up.weight", noise(FF, EMBD))
        w.add_tensor(f"blk.{i}.ffn_down.weight", noise(EMBD, FF))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
