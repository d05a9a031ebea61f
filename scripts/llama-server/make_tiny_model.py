#!/usr/bin/env python3
"""Writes a tiny random-weight llama GGUF (about 5 MB) that llama-server can load and serve.

Usage: PYTHONPATH=<llama.cpp>/gguf-py python3 make_tiny_model.py [--fim] <llama.cpp>/models/ggml-vocab-llama-spm.gguf out.gguf

The tokenizer comes from the vocab-only GGUF in llama.cpp's source; the weights are N(0, 0.02) noise, so the
output is gibberish by design. context_length is 65536 so a stream can run long enough to be cancelled.
See shared/reference/llama-server.md section 7.

--fim appends CodeLlama's three infill control tokens (<PRE>, <SUF>, <MID>; the vocabulary is the same SentencePiece
llama vocabulary CodeLlama extends) and names them in tokenizer.ggml.fim_{pre,suf,mid}_token_id, so that llama-server's
/infill accepts the model. Their embedding rows are zero and every other tensor is drawn exactly as without --fim, so
the model answers other prompts the same way.
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


FIM_TOKENS = ("<PRE>", "<SUF>", "<MID>")
CONTROL = 3  # llama.cpp's LLAMA_TOKEN_TYPE_CONTROL


def main(vocab_path, out_path, fim=False):
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
    tokens = list(field(vocab, "tokenizer.ggml.tokens"))
    scores = list(field(vocab, "tokenizer.ggml.scores"))
    types = list(field(vocab, "tokenizer.ggml.token_type"))
    n_vocab = len(tokens)
    if fim:
        tokens += FIM_TOKENS
        scores += [0.0] * len(FIM_TOKENS)
        types += [CONTROL] * len(FIM_TOKENS)
        for key, offset in zip(("fim_pre", "fim_suf", "fim_mid"), range(len(FIM_TOKENS))):
            w.add_uint32(f"tokenizer.ggml.{key}_token_id", n_vocab + offset)
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(field(vocab, "tokenizer.ggml.bos_token_id"))
    w.add_eos_token_id(field(vocab, "tokenizer.ggml.eos_token_id"))
    w.add_unk_token_id(field(vocab, "tokenizer.ggml.unknown_token_id"))
    w.add_chat_template(CHATML)

    ones = np.ones(EMBD, dtype=np.float32)
    embeddings = noise(n_vocab, EMBD, dtype=np.float16)
    if fim:
        embeddings = np.concatenate([embeddings, np.zeros((len(FIM_TOKENS), EMBD), dtype=np.float16)])
    # No output.weight: llama.cpp then ties the output projection to token_embd.
    w.add_tensor("token_embd.weight", embeddings)
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
    args = sys.argv[1:]
    with_fim = args[:1] == ["--fim"]
    if with_fim:
        args = args[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], with_fim)
