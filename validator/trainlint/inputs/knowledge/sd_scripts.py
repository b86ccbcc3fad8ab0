"""What kohya-ss/sd-scripts does with the keys of its `--config_file` TOML and its `--dataset_config`.

Every default, unit and formula names the file and line at the pinned commit (see
shared/domain/trainer-formats.md, section 1; section 10 corrects it where they differ).
The sets of accepted keys are the names the training scripts' argument parsers define
(`setup_parser` of train_network.py, sdxl_train_network.py, flux_train_network.py,
train_db.py, fine_tune.py, sdxl_train.py, flux_train.py, train_textual_inversion.py and the
`add_*_arguments` helpers they call) and the dataset config schema of
library/config_util.py (`ConfigSanitizer`).
"""

from ..base import KeyInfo

REPOSITORY = "kohya-ss/sd-scripts"
COMMIT = "48d368fa557731ad0488c07304dfeba8c07910eb"

# the TOML of --config_file: one flat namespace, table names ignored, no type conversion
CONFIG_FILE_LOADER = "library/train_util.py:4700-4763"
# epochs replace steps: max_train_steps = max_train_epochs x ceil(batches / processes / accumulation)
EPOCHS_FORMULA = "train_network.py:798-805"
# batches per epoch: sum over aspect buckets of ceil(samples in bucket / batch size)
BATCHES_PER_EPOCH = "library/train_util.py:1075-1083"
# regularisation samples are added until they equal the training samples (with repeats)
REG_BALANCING = "library/train_util.py:2163-2186"
# a learning rate of 0 drops the parameter group ("NO LR skipping!")
ZERO_LR_DROPS_GROUP = "networks/lora.py:1187-1189"
# TE learning rate as a list: networks.lora uses the first element; networks.lora_flux [CLIP-L, T5XXL]
TE_LR_LIST = "train_network.py:732-741, networks/lora_flux.py:1195-1203"
# SDXL LoRA: the text encoder cannot train while its outputs are cached
SDXL_TE_CACHE_ASSERT = "sdxl_train_network.py:40-42"
# Flux LoRA trains the T5XXL only with network_args train_t5xxl=True
FLUX_T5_TRAINING = "flux_train_network.py:71-72,192-199"
# DreamBooth subsets from `N_name` folders of train_data_dir / reg_data_dir: N < 1 is skipped
SUBDIR_REPEATS = "library/config_util.py:607-644"
# dataset config: TOML or JSON, chosen by the file's extension
DATASET_CONFIG_LOADER = "library/config_util.py:675-700"
# image files sd-scripts reads from a folder (not recursive)
IMAGE_EXTENSIONS_SOURCE = "library/train_util.py:104-129"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp"})

KEYS: dict[str, KeyInfo] = {
    "pretrained_model_name_or_path": KeyInfo(
        None,
        "path or Hugging Face id",
        "library/train_util.py:3650",
        json_type="string",
        description="Base model: a Diffusers folder, a checkpoint file or a Hugging Face id",
    ),
    "v2": KeyInfo(
        False,
        "flag",
        "library/train_util.py add_sd_models_arguments (with :3650)",
        json_type="boolean",
        description="Load a Stable Diffusion 2.x model",
    ),
    "max_train_steps": KeyInfo(
        1600,
        "optimizer steps",
        "library/train_util.py:3952",
        json_type="integer",
        description="Optimizer steps of the run, unless max_train_epochs is set",
    ),
    "max_train_epochs": KeyInfo(
        None,
        "epochs (overrides max_train_steps)",
        "library/train_util.py:3954-3957",
        json_type="integer",
        description="Epochs of the run; replaces max_train_steps",
    ),
    "train_batch_size": KeyInfo(1, "images per batch", "library/train_util.py:3900", json_type="integer"),
    "gradient_accumulation_steps": KeyInfo(
        1, "batches per optimizer step", "library/train_util.py:3975", json_type="integer"
    ),
    "learning_rate": KeyInfo(
        2e-6,
        "learning rate",
        "library/train_util.py:3701",
        json_type="number",
        description="Learning rate (a TOML number: text is not converted)",
    ),
    "unet_lr": KeyInfo(
        None,
        "learning rate (None: learning_rate)",
        "train_network.py:1763",
        json_type="number",
        description="Learning rate of the U-Net or DiT part of a network",
    ),
    "text_encoder_lr": KeyInfo(
        None,
        "learning rate or list (None: learning_rate)",
        "train_network.py:1764-1770",
        json_type=("number", "array"),
        description="Learning rate of the text encoder part of a network; a list gives one per text encoder (FLUX.1: CLIP-L, T5XXL)",
    ),
    "network_train_unet_only": KeyInfo(
        False,
        "flag",
        "train_network.py:1809-1811",
        json_type="boolean",
        description="Train the network on the U-Net only, not the text encoder",
    ),
    "network_train_text_encoder_only": KeyInfo(False, "flag", "train_network.py:1812-1816", json_type="boolean"),
    "network_module": KeyInfo(
        None,
        "module name",
        "train_network.py:1785-1796",
        json_type="string",
        description="The network module: networks.lora, networks.lora_flux, lycoris.kohya, ...",
    ),
    "network_args": KeyInfo(
        None,
        "list of key=value",
        "flux_train_network.py:71-72,192-199",
        json_type="array",
        description="Extra network arguments, each key=value text (FLUX.1: train_t5xxl=True)",
    ),
    "optimizer_type": KeyInfo(
        "",
        "optimizer name ('' is AdamW)",
        "library/train_util.py add_optimizer_arguments (before :3701)",
        json_type="string",
        description="Optimizer: AdamW (empty), AdamW8bit, Lion, Prodigy, DAdaptAdam, Adafactor, or module.Class",
    ),
    "stop_text_encoder_training": KeyInfo(
        None,
        "optimizer steps (-1: never train the text encoder)",
        "train_db.py:538-542",
        json_type="integer",
        description="train_db.py: the step the text encoder stops training at (-1: never trained)",
    ),
    "learning_rate_te": KeyInfo(None, "learning rate (None: learning_rate)", "train_db.py:190-196", json_type="number"),
    "learning_rate_te1": KeyInfo(
        None, "learning rate (None: learning_rate; 0: not trained)", "sdxl_train.py:293-302", json_type="number"
    ),
    "learning_rate_te2": KeyInfo(
        None, "learning rate (None: learning_rate; 0: not trained)", "sdxl_train.py:293-302", json_type="number"
    ),
    "train_text_encoder": KeyInfo(False, "flag", "sdxl_train.py:293-302", json_type="boolean"),
    "cache_text_encoder_outputs": KeyInfo(False, "flag", "sdxl_train_network.py:40-42", json_type="boolean"),
    "train_data_dir": KeyInfo(None, "folder of N_name subfolders", "library/train_util.py:4480", json_type="string"),
    "reg_data_dir": KeyInfo(None, "folder of N_name subfolders", "library/config_util.py:607-644", json_type="string"),
    "in_json": KeyInfo(
        None, "metadata file (fine-tuning)", "library/train_util.py add_dataset_arguments", json_type="string"
    ),
    "dataset_config": KeyInfo(
        None, "path to a dataset config (TOML or JSON)", "library/config_util.py:675-700", json_type="string"
    ),
    "dataset_repeats": KeyInfo(1, "repeats (fine-tuning datasets)", "library/config_util.py:263", json_type="integer"),
    "caption_extension": KeyInfo(".caption", "file suffix", "library/train_util.py:4493", json_type="string"),
    "enable_bucket": KeyInfo(
        False,
        "flag (buckets: batches per epoch, :1075-1083)",
        "library/train_util.py add_dataset_arguments",
        json_type="boolean",
        description="Aspect ratio buckets",
    ),
    "clip_l": KeyInfo(None, "path (FLUX.1)", "library/flux_train_utils.py:685-690", json_type="string"),
    "t5xxl": KeyInfo(None, "path (FLUX.1, SD3)", "library/flux_train_utils.py:685-690", json_type="string"),
    "ae": KeyInfo(None, "path (FLUX.1)", "library/flux_train_utils.py:685-690", json_type="string"),
    "model_type": KeyInfo(
        "flux", "flux | chroma", "library/flux_train_utils.py:685-690", json_type="string", enum=("flux", "chroma")
    ),
}

# the dataset config (library/config_util.py, ConfigSanitizer): a lower level overrides a higher one
DATASET_KEYS: dict[str, KeyInfo] = {
    "image_dir": KeyInfo(None, "folder (images directly in it)", "library/config_util.py:57", json_type="string"),
    "num_repeats": KeyInfo(1, "repeats per image and epoch", "library/config_util.py:57", json_type="integer"),
    "batch_size": KeyInfo(
        1,
        "images per batch (falls back to train_batch_size)",
        "library/config_util.py ARGPARSE_OPTNAME_TO_CONFIG_OPTNAME",
        json_type="integer",
    ),
    "caption_extension": KeyInfo(".caption", "file suffix", "library/config_util.py:85", json_type="string"),
    "is_reg": KeyInfo(
        False,
        "flag: regularisation images",
        "library/config_util.py DreamBoothSubsetParams (with :85)",
        json_type="boolean",
    ),
    "metadata_file": KeyInfo(
        None, "fine-tuning metadata JSON", "library/config_util.py FineTuningSubsetParams", json_type="string"
    ),
    "enable_bucket": KeyInfo(False, "flag", "library/config_util.py DreamBoothDatasetParams", json_type="boolean"),
}

_SUBSET_ASCENDABLE = (
    "color_aug",
    "face_crop_aug_range",
    "flip_aug",
    "num_repeats",
    "random_crop",
    "shuffle_caption",
    "keep_tokens",
    "keep_tokens_separator",
    "secondary_separator",
    "caption_separator",
    "enable_wildcard",
    "token_warmup_min",
    "token_warmup_step",
    "caption_prefix",
    "caption_suffix",
    "custom_attributes",
    "resize_interpolation",
)
_DROPOUT_ASCENDABLE = ("caption_dropout_every_n_epochs", "caption_dropout_rate", "caption_tag_dropout_rate")
_DB_ASCENDABLE = ("caption_extension", "class_tokens", "cache_info")
_DATASET_ASCENDABLE = (
    "batch_size",
    "bucket_no_upscale",
    "bucket_reso_steps",
    "enable_bucket",
    "max_bucket_reso",
    "min_bucket_reso",
    "validation_seed",
    "validation_split",
    "resolution",
    "network_multiplier",
)
_SUBSET_DISTINCT = ("image_dir", "is_reg", "alpha_mask", "metadata_file", "conditioning_data_dir")

# what each level of a dataset config accepts; anything else stops sd-scripts ("extra keys not allowed")
DATASET_TOP_LEVEL = frozenset({"general", "datasets"})
DATASET_GENERAL_KEYS = frozenset(_DATASET_ASCENDABLE + _SUBSET_ASCENDABLE + _DB_ASCENDABLE + _DROPOUT_ASCENDABLE)
DATASET_DATASET_KEYS = DATASET_GENERAL_KEYS | {"subsets"}
DATASET_SUBSET_KEYS = frozenset(_SUBSET_ASCENDABLE + _DB_ASCENDABLE + _DROPOUT_ASCENDABLE + _SUBSET_DISTINCT)
DATASET_SCHEMA_SOURCE = "library/config_util.py (ConfigSanitizer schemas)"

# every option some training script's parser defines; a TOML key outside this set is accepted
# silently and never read (train_util.py:4700-4763 fills an argparse Namespace with whatever it finds)
ARGUMENTS = frozenset(
    {
        # library/train_util.py: add_sd_models_arguments, add_optimizer_arguments
        "v2",
        "v_parameterization",
        "pretrained_model_name_or_path",
        "tokenizer_cache_dir",
        "optimizer_type",
        "use_8bit_adam",
        "use_lion_optimizer",
        "learning_rate",
        "max_grad_norm",
        "optimizer_args",
        "lr_scheduler_type",
        "lr_scheduler_args",
        "lr_scheduler",
        "lr_warmup_steps",
        "lr_decay_steps",
        "lr_scheduler_num_cycles",
        "lr_scheduler_power",
        "fused_backward_pass",
        "lr_scheduler_timescale",
        "lr_scheduler_min_lr_ratio",
        # library/train_util.py: add_training_arguments
        "output_dir",
        "output_name",
        "huggingface_repo_id",
        "huggingface_repo_type",
        "huggingface_path_in_repo",
        "huggingface_token",
        "huggingface_repo_visibility",
        "save_state_to_huggingface",
        "resume_from_huggingface",
        "async_upload",
        "save_precision",
        "save_every_n_epochs",
        "save_every_n_steps",
        "save_n_epoch_ratio",
        "save_last_n_epochs",
        "save_last_n_epochs_state",
        "save_last_n_steps",
        "save_last_n_steps_state",
        "save_state",
        "save_state_on_train_end",
        "resume",
        "train_batch_size",
        "max_token_length",
        "mem_eff_attn",
        "torch_compile",
        "dynamo_backend",
        "xformers",
        "sdpa",
        "vae",
        "max_train_steps",
        "max_train_epochs",
        "max_data_loader_n_workers",
        "persistent_data_loader_workers",
        "seed",
        "gradient_checkpointing",
        "gradient_accumulation_steps",
        "mixed_precision",
        "full_fp16",
        "full_bf16",
        "fp8_base",
        "ddp_timeout",
        "ddp_gradient_as_bucket_view",
        "ddp_static_graph",
        "clip_skip",
        "logging_dir",
        "log_with",
        "log_prefix",
        "log_tracker_name",
        "wandb_run_name",
        "log_tracker_config",
        "wandb_api_key",
        "log_config",
        "noise_offset",
        "noise_offset_random_strength",
        "multires_noise_iterations",
        "ip_noise_gamma",
        "ip_noise_gamma_random_strength",
        "multires_noise_discount",
        "adaptive_noise_scale",
        "zero_terminal_snr",
        "min_timestep",
        "max_timestep",
        "loss_type",
        "huber_schedule",
        "huber_c",
        "huber_scale",
        "lowram",
        "highvram",
        "sample_every_n_steps",
        "sample_at_first",
        "sample_every_n_epochs",
        "sample_prompts",
        "sample_sampler",
        "config_file",
        "output_config",
        "prior_loss_weight",
        # library/train_util.py: add_masked_loss_arguments, add_dit_training_arguments
        "conditioning_data_dir",
        "masked_loss",
        "cache_text_encoder_outputs",
        "cache_text_encoder_outputs_to_disk",
        "text_encoder_batch_size",
        "disable_mmap_load_safetensors",
        "weighting_scheme",
        "logit_mean",
        "logit_std",
        "mode_scale",
        "blocks_to_swap",
        # library/train_util.py: add_dataset_arguments, add_sd_saving_arguments
        "train_data_dir",
        "cache_info",
        "shuffle_caption",
        "caption_separator",
        "caption_extension",
        "caption_extention",
        "keep_tokens",
        "keep_tokens_separator",
        "secondary_separator",
        "enable_wildcard",
        "caption_prefix",
        "caption_suffix",
        "color_aug",
        "flip_aug",
        "face_crop_aug_range",
        "random_crop",
        "debug_dataset",
        "resolution",
        "cache_latents",
        "vae_batch_size",
        "cache_latents_to_disk",
        "skip_cache_check",
        "enable_bucket",
        "min_bucket_reso",
        "max_bucket_reso",
        "bucket_reso_steps",
        "bucket_no_upscale",
        "resize_interpolation",
        "token_warmup_min",
        "token_warmup_step",
        "alpha_mask",
        "dataset_class",
        "caption_dropout_rate",
        "caption_dropout_every_n_epochs",
        "caption_tag_dropout_rate",
        "reg_data_dir",
        "in_json",
        "dataset_repeats",
        "save_model_as",
        "use_safetensors",
        # library/config_util.py, library/custom_train_functions.py, library/utils.py (logging),
        # library/deepspeed_utils.py, library/sai_model_spec.py
        "dataset_config",
        "min_snr_gamma",
        "scale_v_pred_loss_like_noise_pred",
        "v_pred_like_loss",
        "debiased_estimation_loss",
        "weighted_captions",
        "console_log_level",
        "console_log_file",
        "console_log_simple",
        "deepspeed",
        "zero_stage",
        "offload_optimizer_device",
        "offload_optimizer_nvme_path",
        "offload_param_device",
        "offload_param_nvme_path",
        "zero3_init_flag",
        "zero3_save_16bit_model",
        "fp16_master_weights_and_gradients",
        "metadata_title",
        "metadata_author",
        "metadata_description",
        "metadata_license",
        "metadata_tags",
        # train_network.py setup_parser (sdxl_train_network.py, flux_train_network.py add to it)
        "cpu_offload_checkpointing",
        "no_metadata",
        "unet_lr",
        "text_encoder_lr",
        "fp8_base_unet",
        "network_weights",
        "network_module",
        "network_dim",
        "network_alpha",
        "network_dropout",
        "network_args",
        "network_train_unet_only",
        "network_train_text_encoder_only",
        "training_comment",
        "dim_from_weights",
        "scale_weight_norms",
        "base_weights",
        "base_weights_multiplier",
        "no_half_vae",
        "skip_until_initial_step",
        "initial_epoch",
        "initial_step",
        "validation_seed",
        "validation_split",
        "validate_every_n_steps",
        "validate_every_n_epochs",
        "max_validation_steps",
        "split_mode",
        # library/flux_train_utils.py: add_flux_train_arguments
        "clip_l",
        "clip_l_tokenizer_path",
        "t5xxl",
        "ae",
        "controlnet_model_name_or_path",
        "t5xxl_max_token_length",
        "apply_t5_attn_mask",
        "guidance_scale",
        "timestep_sampling",
        "sigmoid_scale",
        "model_prediction_type",
        "discrete_flow_shift",
        "model_type",
        # train_db.py, fine_tune.py, sdxl_train.py, flux_train.py
        "learning_rate_te",
        "no_token_padding",
        "stop_text_encoder_training",
        "diffusers_xformers",
        "train_text_encoder",
        "learning_rate_te1",
        "learning_rate_te2",
        "block_lr",
        "fused_optimizer_groups",
        "mem_eff_save",
        "blockwise_fused_optimizers",
        "skip_latents_validity_check",
        "double_blocks_to_swap",
        "single_blocks_to_swap",
        # sd3_train.py, sd3_train_network.py (library/sd3_train_utils.py)
        "clip_g",
        "save_clip",
        "save_t5xxl",
        "t5xxl_device",
        "t5xxl_dtype",
        "train_t5xxl",
        "use_t5xxl_cache_only",
        "learning_rate_te3",
        # train_textual_inversion.py
        "token_string",
        "init_word",
        "num_vectors_per_token",
        "weights",
        "use_object_template",
        "use_style_template",
    }
)
# library/train_util.py get_sai_model_spec reads every `metadata_*` attribute of the namespace
ARGUMENT_PREFIXES = ("metadata_",)

# optimizers whose learning rate is a multiplier of a step size they find themselves (section 10.8): the class
# name (the last part of a module path such as prodigyopt.Prodigy) holds `prodigy` or starts with `dadapt`, as
# get_optimizer dispatches `optimizer_type.startswith("dadapt") or == "prodigy"`; Adafactor is one too with its
# relative step, on unless relative_step=False is among optimizer_args
ADAPTIVE_OPTIMIZERS = ("prodigy", "dadapt")
ADAPTIVE_SOURCE = "library/train_util.py get_optimizer, its DAdapt* and Prodigy branch"

# Flux LoRA network module; SD3 LoRA network module
FLUX_NETWORK_MODULES = frozenset({"networks.lora_flux", "networks.oft_flux"})
SD3_NETWORK_MODULES = frozenset({"networks.lora_sd3"})

# the training scripts: model family ("sd": SD 1.x, or 2.x with --v2) and what they train; the family and
# LoRA-or-full of a run come from the script (trainer-formats.md section 1, "Files and loading")
SCRIPTS: dict[str, tuple[str, str]] = {
    "train_network.py": ("sd", "lora"),
    "sdxl_train_network.py": ("sdxl", "lora"),
    "flux_train_network.py": ("flux.1", "lora"),
    "sd3_train_network.py": ("Stable Diffusion 3", "lora"),
    "lumina_train_network.py": ("Lumina", "lora"),
    "train_db.py": ("sd", "full"),
    "fine_tune.py": ("sd", "full"),
    "sdxl_train.py": ("sdxl", "full"),
    "flux_train.py": ("flux.1", "full"),
    "sd3_train.py": ("Stable Diffusion 3", "full"),
    "lumina_train.py": ("Lumina", "full"),
    "train_textual_inversion.py": ("sd", "textual inversion"),
    "sdxl_train_textual_inversion.py": ("sdxl", "textual inversion"),
}
# any other `<family>_train_network.py` trains a LoRA of a family trainlint has no advice for
OTHER_NETWORK_SCRIPT = "_train_network.py"

# --- for the schemas of the config TOML and the dataset config (tools/trainer_schemas.py) -------------

# the other options' argparse types and defaults, as the parsers define them (read at 0005867b, the
# stored version of library/train_util.py): a TOML value bypasses argparse, so it must already be of
# the type the script uses; a `choices` list is kept only where it has not changed across versions
_MODELS = "library/train_util.py add_sd_models_arguments (read at 0005867b)"
_OPTIMIZER = "library/train_util.py add_optimizer_arguments (read at 0005867b)"
_TRAINING = "library/train_util.py add_training_arguments (read at 0005867b)"
_DATASET = "library/train_util.py add_dataset_arguments (read at 0005867b)"
_SAVING = "library/train_util.py add_sd_saving_arguments (read at 0005867b)"
_MASKED = "library/train_util.py add_masked_loss_arguments (read at 0005867b)"


def _flag(source: str, description: str = "") -> KeyInfo:
    return KeyInfo(False, "flag", source, json_type="boolean", description=description)


def _int(default: int | None, unit: str, source: str, description: str = "") -> KeyInfo:
    return KeyInfo(default, unit, source, json_type="integer", description=description)


def _num(default: float | None, unit: str, source: str, description: str = "") -> KeyInfo:
    return KeyInfo(default, unit, source, json_type="number", description=description)


def _str(
    default: str | None, unit: str, source: str, description: str = "", enum: tuple[str, ...] | None = None
) -> KeyInfo:
    return KeyInfo(default, unit, source, json_type="string", description=description, enum=enum)


def _list(unit: str, source: str, description: str = "") -> KeyInfo:
    return KeyInfo(None, unit, source, json_type="array", description=description)


ARGUMENT_INFO: dict[str, KeyInfo] = {
    "v_parameterization": _flag(_MODELS, "Train with v-parameterization (SD 2.x 768 models)"),
    "tokenizer_cache_dir": _str(None, "folder", _MODELS, "Folder to cache the tokenizer in, for offline training"),
    "use_8bit_adam": _flag(_OPTIMIZER, "Legacy: AdamW8bit (use optimizer_type)"),
    "use_lion_optimizer": _flag(_OPTIMIZER, "Legacy: Lion (use optimizer_type)"),
    "max_grad_norm": _num(1.0, "norm (0: no clipping)", _OPTIMIZER),
    "optimizer_args": _list(
        "list of key=value", _OPTIMIZER, 'Extra optimizer arguments, such as ["weight_decay=0.01"]'
    ),
    "lr_scheduler_type": _str("", "module.Class", _OPTIMIZER, "A custom scheduler class"),
    "lr_scheduler_args": _list("list of key=value", _OPTIMIZER, "Extra scheduler arguments"),
    "lr_scheduler": _str(
        "constant",
        "name",
        _OPTIMIZER,
        "linear, cosine, cosine_with_restarts, polynomial, constant, constant_with_warmup or adafactor",
    ),
    "lr_warmup_steps": _int(0, "steps", _OPTIMIZER),
    "lr_scheduler_num_cycles": _int(1, "restarts", _OPTIMIZER),
    "lr_scheduler_power": _num(1, "power", _OPTIMIZER),
    "fused_backward_pass": _flag(_OPTIMIZER),
    "output_dir": _str(None, "folder", _TRAINING),
    "output_name": _str(None, "file name without suffix", _TRAINING),
    "huggingface_repo_id": _str(None, "repository id", _TRAINING),
    "huggingface_repo_type": _str(None, "repository type", _TRAINING),
    "huggingface_path_in_repo": _str(None, "path", _TRAINING),
    "huggingface_token": _str(None, "token", _TRAINING),
    "huggingface_repo_visibility": _str(None, "public or private", _TRAINING),
    "save_state_to_huggingface": _flag(_TRAINING),
    "resume_from_huggingface": _flag(_TRAINING),
    "async_upload": _flag(_TRAINING),
    "save_precision": _str(None, "precision", _TRAINING, enum=("float", "fp16", "bf16")),
    "save_every_n_epochs": _int(None, "epochs", _TRAINING),
    "save_every_n_steps": _int(None, "steps", _TRAINING),
    "save_n_epoch_ratio": _int(None, "files", _TRAINING),
    "save_last_n_epochs": _int(None, "checkpoints", _TRAINING),
    "save_last_n_epochs_state": _int(None, "states", _TRAINING),
    "save_last_n_steps": _int(None, "steps", _TRAINING),
    "save_last_n_steps_state": _int(None, "steps", _TRAINING),
    "save_state": _flag(_TRAINING),
    "save_state_on_train_end": _flag(_TRAINING),
    "resume": _str(None, "folder of a saved state", _TRAINING),
    "max_token_length": KeyInfo(None, "tokens (unset: 75)", _TRAINING, json_type="integer", enum=(150, 225)),
    "mem_eff_attn": _flag(_TRAINING),
    "torch_compile": _flag(_TRAINING),
    "dynamo_backend": _str("inductor", "name", _TRAINING),
    "xformers": _flag(_TRAINING),
    "sdpa": _flag(_TRAINING),
    "vae": _str(None, "path", _TRAINING),
    "max_data_loader_n_workers": _int(8, "processes", _TRAINING),
    "persistent_data_loader_workers": _flag(_TRAINING),
    "seed": _int(None, "seed", _TRAINING),
    "gradient_checkpointing": _flag(_TRAINING),
    "mixed_precision": _str("no", "precision", _TRAINING, enum=("no", "fp16", "bf16")),
    "full_fp16": _flag(_TRAINING),
    "full_bf16": _flag(_TRAINING),
    "fp8_base": _flag(_TRAINING),
    "ddp_timeout": _int(None, "minutes", _TRAINING),
    "ddp_gradient_as_bucket_view": _flag(_TRAINING),
    "ddp_static_graph": _flag(_TRAINING),
    "clip_skip": _int(None, "layers from the end (1 and up)", _TRAINING),
    "logging_dir": _str(None, "folder", _TRAINING),
    "log_with": _str(None, "tool", _TRAINING, enum=("tensorboard", "wandb", "all")),
    "log_prefix": _str(None, "text", _TRAINING),
    "log_tracker_name": _str(None, "name", _TRAINING),
    "wandb_run_name": _str(None, "name", _TRAINING),
    "log_tracker_config": _str(None, "path", _TRAINING),
    "wandb_api_key": _str(None, "key", _TRAINING),
    "log_config": _flag(_TRAINING),
    "noise_offset": _num(None, "offset (about 0.1 when used)", _TRAINING),
    "noise_offset_random_strength": _flag(_TRAINING),
    "multires_noise_iterations": _int(None, "iterations", _TRAINING),
    "ip_noise_gamma": _num(None, "gamma", _TRAINING),
    "ip_noise_gamma_random_strength": _flag(_TRAINING),
    "multires_noise_discount": _num(0.3, "discount", _TRAINING),
    "adaptive_noise_scale": _num(None, "scale", _TRAINING),
    "zero_terminal_snr": _flag(_TRAINING),
    "min_timestep": _int(None, "timestep (0-999)", _TRAINING),
    "max_timestep": _int(None, "timestep (1-1000)", _TRAINING),
    "loss_type": _str("l2", "name", _TRAINING),
    "huber_schedule": _str("snr", "name", _TRAINING),
    "huber_c": _num(0.1, "number", _TRAINING),
    "lowram": _flag(_TRAINING),
    "highvram": _flag(_TRAINING),
    "sample_every_n_steps": _int(None, "steps", _TRAINING),
    "sample_at_first": _flag(_TRAINING),
    "sample_every_n_epochs": _int(None, "epochs", _TRAINING),
    "sample_prompts": _str(None, "path", _TRAINING),
    "sample_sampler": _str("ddim", "name", _TRAINING),
    "config_file": _str(None, "path", _TRAINING),
    "output_config": _flag(_TRAINING),
    "prior_loss_weight": _num(1.0, "weight", _TRAINING, "Loss weight of the regularisation images"),
    "conditioning_data_dir": _str(None, "folder", _MASKED),
    "masked_loss": _flag(_MASKED),
    "cache_info": _flag(_DATASET),
    "shuffle_caption": _flag(_DATASET),
    "caption_separator": _str(",", "text", _DATASET),
    "caption_extention": _str(None, "file suffix", _DATASET, "Misspelt older name of caption_extension, still read"),
    "keep_tokens": _int(0, "tokens", _DATASET),
    "keep_tokens_separator": _str("", "text", _DATASET),
    "secondary_separator": _str(None, "text", _DATASET),
    "enable_wildcard": _flag(_DATASET),
    "caption_prefix": _str(None, "text", _DATASET),
    "caption_suffix": _str(None, "text", _DATASET),
    "color_aug": _flag(_DATASET),
    "flip_aug": _flag(_DATASET),
    "face_crop_aug_range": _str(None, "two numbers, such as 2.0,4.0", _DATASET),
    "random_crop": _flag(_DATASET),
    "debug_dataset": _flag(_DATASET),
    "resolution": _str(None, "'size' or 'width,height'", _DATASET, 'Training resolution, as text: "512" or "512,768"'),
    "cache_latents": _flag(_DATASET),
    "vae_batch_size": _int(1, "images per batch", _DATASET),
    "cache_latents_to_disk": _flag(_DATASET),
    "min_bucket_reso": _int(256, "pixels", _DATASET),
    "max_bucket_reso": _int(1024, "pixels", _DATASET),
    "bucket_reso_steps": _int(64, "pixels", _DATASET),
    "bucket_no_upscale": _flag(_DATASET),
    "token_warmup_min": _int(1, "tags", _DATASET),
    "token_warmup_step": _num(0, "steps (below 1: a share of max_train_steps)", _DATASET),
    "alpha_mask": _flag(_DATASET),
    "dataset_class": _str(None, "package.module.Class", _DATASET),
    "caption_dropout_rate": _num(0.0, "share of captions (0-1)", _DATASET),
    "caption_dropout_every_n_epochs": _int(0, "epochs", _DATASET),
    "caption_tag_dropout_rate": _num(0.0, "share of tags (0-1)", _DATASET),
    "save_model_as": _str(None, "format", _SAVING, enum=("ckpt", "safetensors", "diffusers", "diffusers_safetensors")),
    "use_safetensors": _flag(_SAVING),
    # train_network.py setup_parser
    "network_dim": _int(None, "rank", "train_network.py:1785-1796", "Rank of the network (LoRA dimension)"),
    "network_alpha": _num(1, "alpha", "train_network.py:1785-1796", "Alpha: the weights are scaled by alpha / rank"),
}

# the dataset config's keys and the types its voluptuous schema checks (ConfigSanitizer's schemas,
# read in the stored versions of library/config_util.py); a wrong type stops sd-scripts there
_SANITIZER = "library/config_util.py ConfigSanitizer"
DATASET_KEY_INFO: dict[str, KeyInfo] = {
    "color_aug": _flag(_SANITIZER),
    "face_crop_aug_range": _list("two numbers", _SANITIZER),
    "flip_aug": _flag(_SANITIZER),
    "random_crop": _flag(_SANITIZER),
    "shuffle_caption": _flag(_SANITIZER),
    "keep_tokens": _int(None, "tokens", _SANITIZER),
    "keep_tokens_separator": _str(None, "text", _SANITIZER),
    "secondary_separator": _str(None, "text", _SANITIZER),
    "caption_separator": _str(None, "text", _SANITIZER),
    "enable_wildcard": _flag(_SANITIZER),
    "token_warmup_min": _int(None, "tags", _SANITIZER),
    "token_warmup_step": _num(None, "steps", _SANITIZER),
    "caption_prefix": _str(None, "text", _SANITIZER),
    "caption_suffix": _str(None, "text", _SANITIZER),
    "custom_attributes": KeyInfo(None, "table", _SANITIZER, json_type="object"),
    "resize_interpolation": _str(None, "name", _SANITIZER),
    "caption_dropout_every_n_epochs": _int(None, "epochs", _SANITIZER),
    "caption_dropout_rate": _num(None, "share of captions (0-1)", _SANITIZER),
    "caption_tag_dropout_rate": _num(None, "share of tags (0-1)", _SANITIZER),
    "class_tokens": _str(None, "text", _SANITIZER, "Caption of images without a caption file"),
    "cache_info": _flag(_SANITIZER),
    "bucket_no_upscale": _flag(_SANITIZER),
    "bucket_reso_steps": _int(None, "pixels", _SANITIZER),
    "max_bucket_reso": _int(None, "pixels", _SANITIZER),
    "min_bucket_reso": _int(None, "pixels", _SANITIZER),
    "validation_seed": _int(None, "seed", _SANITIZER),
    "validation_split": _num(None, "share of images (0-1)", _SANITIZER),
    "resolution": KeyInfo(None, "pixels: one size or [width, height]", _SANITIZER, json_type=("integer", "array")),
    "network_multiplier": _num(None, "multiplier", _SANITIZER),
    "alpha_mask": _flag(_SANITIZER),
    "conditioning_data_dir": _str(None, "folder", _SANITIZER),
}
