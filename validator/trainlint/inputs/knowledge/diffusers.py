"""What huggingface/diffusers' DreamBooth scripts do with their command-line flags.

Facts come from shared/domain/trainer-formats.md, section 6 (section 10 corrects it where they
differ), which read the scripts at the pinned commit below; `path:lines` are lines at that commit.
Where that section gives the argparse block as a range rather than a line per flag, the range is
cited with the flag. Two scripts the section names without line numbers (train_dreambooth.py,
train_dreambooth_flux.py) cite their `parse_args` and the stored version read (`@commit`).

The sets of accepted flags are the `parser.add_argument` names of each script's `parse_args`, read
from stored versions of the scripts (which may be older than the pinned commit), joined with every
flag the real README commands of the corpus pass to that script. A flag outside the set is refused
by argparse ("unrecognized arguments") unless it is an unambiguous prefix of one (argparse's
`allow_abbrev`, on in every script), so a set that lacks a newer flag would report it: the sets err
on the side of more flags.
"""

from typing import NamedTuple

from ..base import BaseModel, KeyInfo, Method

REPOSITORY = "huggingface/diffusers"
COMMIT = "58eb52c0803ea9af3abec60841c2a093bdf1f951"

_DB = "examples/dreambooth/"
_ADV = "examples/advanced_diffusion_training/"

# total steps: --max_train_steps, else num_train_epochs x ceil(len(train_dataloader) / accumulation);
# afterwards num_train_epochs = ceil(max_train_steps / updates per epoch)
STEPS_FORMULA = (
    f"{_DB}train_dreambooth_lora_sdxl.py:1574-1581, {_DB}train_dreambooth_lora.py:1178, "
    f"{_DB}train_dreambooth_lora_flux.py:1612"
)
# len(dataset) = instance images x repeats, or max(that, class images) with prior preservation
DATASET_LENGTH = f"{_DB}train_dreambooth_lora_sdxl.py:801, 842-853"
# text-encoder group: --text_encoder_lr if truthy, else --learning_rate
TE_LR_FALLBACK = f"{_DB}train_dreambooth_lora_sdxl.py:1363-1374"
# Prodigy: the text-encoder group is given --learning_rate
PRODIGY_TE_LR = f"{_DB}train_dreambooth_lora_sdxl.py:1430-1439"
# SD 1.x LoRA: text-encoder parameters share --learning_rate
SD_TE_SHARES_LR = f"{_DB}train_dreambooth_lora.py:1071-1077"
# advanced scripts: num_train_epochs_text_encoder = int(frac x num_train_epochs); the text-encoder
# groups get lr 0 at the start of that epoch
TE_FRACTION = (
    f"{_ADV}train_dreambooth_lora_sdxl_advanced.py:2084-2106, {_ADV}train_dreambooth_lora_flux_advanced.py:2092-2110"
)
# --scale_lr: learning_rate x gradient_accumulation_steps x train_batch_size x processes
SCALE_LR = "trainer-formats.md section 10.5; the `if args.scale_lr:` block after the Accelerator is made"
# the data loader is sharded over processes: each takes ceil(batches / processes) of them
SHARDED_LOADER = "trainer-formats.md section 6 (multi-GPU shards the dataloader)"
# every entry of --instance_data_dir is opened as an image, not recursive
INSTANCE_DIR_READ = f"{_DB}train_dreambooth_lora_sdxl.py:801 (DreamBoothDataset: Path.iterdir())"

_LORA = f"{_DB}train_dreambooth_lora.py:247-390"
_SDXL = f"{_DB}train_dreambooth_lora_sdxl.py:308-498"
_FLUX = f"{_DB}train_dreambooth_lora_flux.py:298-504"
_SDXL_ADV = f"{_ADV}train_dreambooth_lora_sdxl_advanced.py:387-660"
_FLUX_ADV = f"{_ADV}train_dreambooth_lora_flux_advanced.py:344-610"
_SD15_ADV = f"{_ADV}train_dreambooth_lora_sd15_advanced.py parse_args @00985c81"
_FULL = f"{_DB}train_dreambooth.py parse_args"
_FLUX_FULL = f"{_DB}train_dreambooth_flux.py parse_args @02a01694"


class Script(NamedTuple):
    """One training script: what it trains and what it does with its flags."""

    name: str  # the file name, as launched
    family: BaseModel  # the model family the script trains (the model name may still say otherwise)
    method: Method
    keys: dict[str, KeyInfo]  # the flags trainlint reads, with their defaults
    accepted: frozenset[str]  # every flag the script's argument parser defines
    text_encoder_lr: bool  # has --text_encoder_lr (else the text encoder trains at --learning_rate)
    fraction: bool  # advanced script: --train_text_encoder_frac and pivotal tuning, epoch-granular
    source: str  # where the argparse block is


def _keys(
    where: str, learning_rate: float, *, te_lr: bool, repeats: bool, optimizer: bool, fraction: bool, dataset_name: bool
) -> dict[str, KeyInfo]:
    keys = {
        "--pretrained_model_name_or_path": KeyInfo(None, "model id or path (required)", where),
        "--instance_data_dir": KeyInfo(None, "folder of instance images", where),
        "--max_train_steps": KeyInfo(None, "optimizer steps (overrides epochs)", where),
        "--num_train_epochs": KeyInfo(1, "epochs", where),
        "--train_batch_size": KeyInfo(4, "images per batch, per process", where),
        "--gradient_accumulation_steps": KeyInfo(1, "batches per optimizer step", where),
        "--learning_rate": KeyInfo(learning_rate, "learning rate", where),
        "--scale_lr": KeyInfo(False, "flag: learning rate x accumulation x batch x processes", where),
        "--lr_scheduler": KeyInfo("constant", "scheduler name", where),
        "--lr_warmup_steps": KeyInfo(500, "optimizer steps", where),
        "--train_text_encoder": KeyInfo(False, "flag", where),
        "--with_prior_preservation": KeyInfo(False, "flag", where),
        "--num_class_images": KeyInfo(100, "class images", where),
    }
    if te_lr:
        keys["--text_encoder_lr"] = KeyInfo(5e-6, "learning rate (0 or unset: --learning_rate)", where)
    if repeats:
        keys["--repeats"] = KeyInfo(1, "copies of each instance image per epoch", where)
    if optimizer:
        keys["--optimizer"] = KeyInfo("AdamW", "optimizer name (AdamW or prodigy)", where)
    if dataset_name:
        keys["--dataset_name"] = KeyInfo(None, "Hugging Face dataset or local dataset folder", where)
    if fraction:
        keys["--train_text_encoder_frac"] = KeyInfo(1.0, "fraction of epochs (floored)", where)
        keys["--train_text_encoder_ti"] = KeyInfo(False, "flag: pivotal tuning (new token embeddings)", where)
        keys["--train_text_encoder_ti_frac"] = KeyInfo(0.5, "fraction of epochs (floored)", where)
    return keys


# flags every DreamBooth script defines
_COMMON = frozenset(
    {
        "--pretrained_model_name_or_path",
        "--revision",
        "--variant",
        "--instance_data_dir",
        "--class_data_dir",
        "--instance_prompt",
        "--class_prompt",
        "--validation_prompt",
        "--num_validation_images",
        "--with_prior_preservation",
        "--prior_loss_weight",
        "--num_class_images",
        "--output_dir",
        "--seed",
        "--resolution",
        "--center_crop",
        "--train_text_encoder",
        "--train_batch_size",
        "--sample_batch_size",
        "--num_train_epochs",
        "--max_train_steps",
        "--checkpointing_steps",
        "--checkpoints_total_limit",
        "--resume_from_checkpoint",
        "--gradient_accumulation_steps",
        "--gradient_checkpointing",
        "--learning_rate",
        "--scale_lr",
        "--lr_scheduler",
        "--lr_warmup_steps",
        "--lr_num_cycles",
        "--lr_power",
        "--dataloader_num_workers",
        "--use_8bit_adam",
        "--adam_beta1",
        "--adam_beta2",
        "--adam_weight_decay",
        "--adam_epsilon",
        "--max_grad_norm",
        "--push_to_hub",
        "--hub_token",
        "--hub_model_id",
        "--logging_dir",
        "--allow_tf32",
        "--report_to",
        "--mixed_precision",
        "--prior_generation_precision",
        "--local_rank",
    }
)
# Stable Diffusion 1.x/2.x scripts (and DeepFloyd IF through them)
_SD = _COMMON | {
    "--tokenizer_name",
    "--enable_xformers_memory_efficient_attention",
    "--pre_compute_text_embeddings",
    "--tokenizer_max_length",
    "--text_encoder_use_attention_mask",
    "--validation_images",
    "--class_labels_conditioning",
    "--validation_scheduler",
    "--snr_gamma",
    "--offset_noise",
    "--set_grads_to_none",
    "--skip_save_text_encoder",
    "--image_interpolation_mode",
}
# scripts with --dataset_name, captions, repeats, Prodigy and a text-encoder learning rate
_MODERN = _COMMON | {
    "--dataset_name",
    "--dataset_config_name",
    "--cache_dir",
    "--image_column",
    "--caption_column",
    "--repeats",
    "--random_flip",
    "--text_encoder_lr",
    "--optimizer",
    "--prodigy_beta3",
    "--prodigy_decouple",
    "--adam_weight_decay_text_encoder",
    "--prodigy_use_bias_correction",
    "--prodigy_safeguard_warmup",
    "--validation_epochs",
    "--cache_latents",
    "--image_interpolation_mode",
    "--enable_npu_flash_attention",
}
_XL = _MODERN | {
    "--pretrained_vae_model_name_or_path",
    "--crops_coords_top_left_h",
    "--crops_coords_top_left_w",
    "--snr_gamma",
    "--enable_xformers_memory_efficient_attention",
    "--rank",
    "--use_dora",
    "--do_edm_style_training",
    "--output_kohya_format",
    "--lora_unet_blocks",
    "--noise_offset",
}
_FLUX_FLAGS = _MODERN | {
    "--max_sequence_length",
    "--guidance_scale",
    "--weighting_scheme",
    "--logit_mean",
    "--logit_std",
    "--mode_scale",
    "--upcast_before_saving",
    "--proportion_empty_prompts",
}
_FLUX_LORA_FLAGS = _FLUX_FLAGS | {"--rank", "--lora_alpha", "--lora_dropout", "--lora_layers"}
_PIVOTAL = frozenset(
    {
        "--token_abstraction",
        "--num_new_tokens_per_abstraction",
        "--initializer_concept",
        "--initializer_token",
        "--train_text_encoder_ti",
        "--train_text_encoder_ti_frac",
        "--train_text_encoder_frac",
    }
)

SCRIPTS: dict[str, Script] = {
    "train_dreambooth.py": Script(
        "train_dreambooth.py",
        "sd-1.5",
        "full",
        _keys(_FULL, 5e-6, te_lr=False, repeats=False, optimizer=False, fraction=False, dataset_name=False),
        _SD | {"--validation_steps"},
        text_encoder_lr=False,
        fraction=False,
        source=_FULL,
    ),
    "train_dreambooth_lora.py": Script(
        "train_dreambooth_lora.py",
        "sd-1.5",
        "lora",
        _keys(_LORA, 5e-4, te_lr=False, repeats=False, optimizer=False, fraction=False, dataset_name=False),
        _SD | {"--validation_epochs", "--rank"},
        text_encoder_lr=False,
        fraction=False,
        source=_LORA,
    ),
    "train_dreambooth_lora_sdxl.py": Script(
        "train_dreambooth_lora_sdxl.py",
        "sdxl",
        "lora",
        _keys(_SDXL, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=False, dataset_name=True),
        _XL,
        text_encoder_lr=True,
        fraction=False,
        source=_SDXL,
    ),
    "train_dreambooth_lora_flux.py": Script(
        "train_dreambooth_lora_flux.py",
        "flux.1",
        "lora",
        _keys(_FLUX, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=False, dataset_name=True),
        _FLUX_LORA_FLAGS,
        text_encoder_lr=True,
        fraction=False,
        source=_FLUX,
    ),
    "train_dreambooth_flux.py": Script(
        "train_dreambooth_flux.py",
        "flux.1",
        "full",
        _keys(_FLUX_FULL, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=False, dataset_name=True),
        _FLUX_FLAGS,
        text_encoder_lr=True,
        fraction=False,
        source=_FLUX_FULL,
    ),
    "train_dreambooth_lora_sd15_advanced.py": Script(
        "train_dreambooth_lora_sd15_advanced.py",
        "sd-1.5",
        "lora",
        _keys(_SD15_ADV, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=True, dataset_name=True),
        _MODERN
        | _PIVOTAL
        | {
            "--snr_gamma",
            "--enable_xformers_memory_efficient_attention",
            "--rank",
            "--use_dora",
            "--noise_offset",
            "--pretrained_vae_model_name_or_path",
        },
        text_encoder_lr=True,
        fraction=True,
        source=_SD15_ADV,
    ),
    "train_dreambooth_lora_sdxl_advanced.py": Script(
        "train_dreambooth_lora_sdxl_advanced.py",
        "sdxl",
        "lora",
        _keys(_SDXL_ADV, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=True, dataset_name=True),
        _XL | _PIVOTAL | {"--use_blora"},
        text_encoder_lr=True,
        fraction=True,
        source=_SDXL_ADV,
    ),
    "train_dreambooth_lora_flux_advanced.py": Script(
        "train_dreambooth_lora_flux_advanced.py",
        "flux.1",
        "lora",
        _keys(_FLUX_ADV, 1e-4, te_lr=True, repeats=True, optimizer=True, fraction=True, dataset_name=True)
        | {"--train_transformer_frac": KeyInfo(1.0, "fraction of epochs (floored)", _FLUX_ADV)},
        _FLUX_LORA_FLAGS | _PIVOTAL | {"--enable_t5_ti", "--train_transformer_frac"},
        text_encoder_lr=True,
        fraction=True,
        source=_FLUX_ADV,
    ),
}

# flags argparse reads with int() and float(); anything else is a string or a store_true flag
INT_FLAGS = frozenset(
    {
        "--max_train_steps",
        "--num_train_epochs",
        "--train_batch_size",
        "--gradient_accumulation_steps",
        "--repeats",
        "--num_class_images",
        "--lr_warmup_steps",
    }
)
FLOAT_FLAGS = frozenset(
    {
        "--learning_rate",
        "--text_encoder_lr",
        "--train_text_encoder_frac",
        "--train_text_encoder_ti_frac",
        "--train_transformer_frac",
    }
)
STORE_TRUE = frozenset({"--train_text_encoder", "--train_text_encoder_ti", "--scale_lr", "--with_prior_preservation"})

# other DreamBooth scripts of the repository: the family each trains (none of them trainlint advises on)
OTHER_FAMILIES: tuple[tuple[str, str], ...] = (
    ("flux_kontext", "FLUX.1 Kontext (image editing)"),
    ("flux2", "FLUX.2"),
    ("sd3", "Stable Diffusion 3"),
    ("sana", "Sana"),
    ("hidream", "HiDream"),
    ("lumina", "Lumina 2"),
    ("qwen", "Qwen-Image"),
    ("z_image", "Z-Image"),
    ("ideogram", "Ideogram"),
    ("krea", "Krea"),
    ("fibo", "FIBO"),
    ("playground", "Playground v2.5"),
    ("hunyuan", "HunyuanDiT"),
    ("wan", "Wan"),
    ("cogview", "CogView"),
    ("flax", "Stable Diffusion (JAX/Flax)"),
)

# what a --pretrained_model_name_or_path says about the family, over the script's own (section 10.5):
# train_dreambooth_lora.py also trains DeepFloyd IF, the SDXL scripts Playground v2.5
MODEL_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"deepfloyd|(^|/)if-i{1,3}-", "DeepFloyd IF"),
    (r"playground", "Playground v2.5"),
    (r"stable-diffusion-3|(^|[/_-])sd3", "Stable Diffusion 3"),
    (r"stable-diffusion-2|(^|[/_-])sd-?2(\.|-|_|$)", "Stable Diffusion 2.x"),
    (r"flux\.?2", "FLUX.2"),
    (r"kontext", "FLUX.1 Kontext (image editing)"),
    (r"(^|[/_-])sana", "Sana"),
    (r"hidream", "HiDream"),
    (r"lumina", "Lumina"),
    (r"(^|[/_-])qwen", "Qwen-Image"),
    (r"kandinsky", "Kandinsky"),
    (r"pixart", "PixArt"),
    (r"kolors", "Kolors"),
    (r"hunyuan", "HunyuanDiT"),
    (r"auraflow", "AuraFlow"),
    (r"cogview", "CogView"),
    (r"stable-cascade|wuerstchen", "Stable Cascade"),
)

# the scripts build Prodigy when args.optimizer.lower() == "prodigy" and fall back to AdamW, with a warning, for
# any name but adamw and prodigy (the optimizer creation block PRODIGY_TE_LR cites)
ADAPTIVE_OPTIMIZERS = frozenset({"prodigy"})
ADAPTIVE_SOURCE = f"{PRODIGY_TE_LR}, args.optimizer.lower() == 'prodigy'; other names train AdamW"
