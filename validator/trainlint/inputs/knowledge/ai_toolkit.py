"""What ostris/ai-toolkit does with the keys of a job file: defaults, units and sources, as data.

Sources are `path:line` at the pinned commit below unless they name another commit: facts the
pinned notes did not cover were read in the stored versions of the same repository named with
them (`@f699f4be` and so on). Every key of a section is read with `kwargs.get(key, default)`
(toolkit/config_modules.py), so a key ai-toolkit does not know is silently ignored, a key set to
null is None (not the default), and no value is converted: a string stays a string.
"""

from ..base import BaseModel, KeyInfo

REPOSITORY = "ostris/ai-toolkit"
COMMIT = "27a03a91f23eb1b757d5ec2e80ee3e129cfcc350"
DATE = "2026-08-21"

# other stored versions read for facts the pinned notes do not give (short commit -> what was read)
READ_AT = {
    "01c9f830": "toolkit/config.py: the loader (float resolver, ${VAR}, [name])",
    "f699f4be": "toolkit/config_modules.py: TrainConfig, ModelConfig, NetworkConfig, DatasetConfig keys",
    "016777ac": "toolkit/optimizer.py: get_optimizer (adaptive optimizers, lr conversion)",
    "20b3c126": "toolkit/optimizers/automagic.py: Automagic's start lr and bounds",
    "fc5b4166": "jobs/process/BaseSDTrainProcess.py: parameter groups, the training loop",
    "a6c70a75": "toolkit/data_loader.py: the dataset file list",
    "02c06cb9": "extensions_built_in/sd_trainer/__init__.py: the trainer process types",
}

CONFIG = "toolkit/config.py"
MODULES = "toolkit/config_modules.py"
LOOP = "jobs/process/BaseSDTrainProcess.py"

# --- the loader -----------------------------------------------------------------------------

# YAML: oyaml over PyYAML's SafeLoader (YAML 1.1) with one more implicit float resolver, added to
# SafeLoader itself, so `1e-4` and `3e-5` are floats; `yes/no/on/off` stay booleans, `012` octal,
# `1:30` sexagesimal, `2024-01-01` a date (toolkit/config.py:55-67)
FLOAT_PATCH = f"{CONFIG}:55-67"
# the float pattern ai-toolkit adds, as written there (first characters `-+0123456789.`)
FLOAT_PATTERN = r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$"""
# `${VAR}` is replaced from the environment in the raw text before parsing (unset: an error), so a
# value holding one is not known before the run; `[name]` is replaced by config.name in the JSON
# dump of the parsed config (preprocess_config), keys and values alike (toolkit/config.py:19-52)
ENV_AND_NAME = f"{CONFIG}:19-52"
# preprocess_config dumps the config with json.dumps: a YAML date (datetime.date) stops the job there
DUMPS = f"{CONFIG}:19-52 (preprocess_config, json.dumps) @01c9f830"
# the suffix decides the reader: .json/.jsonc -> json.loads (no comments), .yaml/.yml -> YAML
SUFFIXES = (".yaml", ".yml", ".json", ".jsonc")
READER_BY_SUFFIX = f"{CONFIG}:68-104"

# --- the job --------------------------------------------------------------------------------

TOP_KEYS = frozenset({"job", "config", "meta"})
CONFIG_KEYS = frozenset(
    {
        "name",
        "process",
        "training_folder",
        "device",
        "log_dir",
        "dtype",
        "is_v2",
        "base_model",
        "extract_model",
        "output_folder",  # extract jobs
    }
)
# processes that run BaseSDTrainProcess's loop over images (job: extension): the SDTrainer family
# (extensions_built_in/sd_trainer/__init__.py @02c06cb9); `slider` is the train job's slider
# process (jobs/TrainJob.py @01c9f830), trained from prompt pairs rather than images
IMAGE_TRAINERS = frozenset(
    {
        "sd_trainer",
        "ui_trainer",
        "diffusion_trainer",
        "three_phase_trigger_trainer",
        "textual_inversion_trainer",
    }
)
PROMPT_TRAINERS = frozenset({"slider"})
TRAINING_PROCESSES = IMAGE_TRAINERS | PROMPT_TRAINERS
PROCESS_TYPES = "extensions_built_in/sd_trainer/__init__.py @02c06cb9; jobs/TrainJob.py @01c9f830"
PROCESS_KEYS = frozenset(
    {
        "type",
        "name",
        "training_folder",
        "device",
        "log_dir",
        "performance_log_every",
        "trigger_word",
        "network",
        "save",
        "datasets",
        "train",
        "model",
        "sample",
        "logging",
        "adapter",
        "embedding",
        "decorator",
        "slider",
        "meta",
    }
)

# --- train ----------------------------------------------------------------------------------

TRAIN: dict[str, KeyInfo] = {
    "steps": KeyInfo(
        1000,
        "loop steps",
        f"{MODULES}:380; the loop runs range(start, steps), {LOOP}:2533",
        json_type="integer",
        description="Loop steps the run trains for",
    ),
    "lr": KeyInfo(
        1e-6,
        "learning rate",
        f"{MODULES}:381; every parameter group trains at it, {LOOP}:2025-2028, 2147-2151",
        json_type="number",
        description="Learning rate of every parameter group (UNet or transformer, and the text encoder when it trains)",
    ),
    # read into the config object, never used: LoRA and full fine-tune groups are built with train.lr
    "unet_lr": KeyInfo(
        None,
        "learning rate (read, never used)",
        f"{MODULES}:382; {LOOP}:2025-2028, 2147-2151",
        description="Read into the train config but never used: every parameter group trains at train.lr",
    ),
    "text_encoder_lr": KeyInfo(
        None,
        "learning rate (read, never used)",
        f"{MODULES}:383; {LOOP}:2025-2028, 2147-2151",
        description="Read into the train config but never used: every parameter group trains at train.lr",
    ),
    "batch_size": KeyInfo(1, "images per batch", f"{MODULES}:393", json_type="integer", description="Images per batch"),
    # each loop step draws this many batches and makes one optimizer update
    "gradient_accumulation": KeyInfo(
        1,
        "batches per optimizer step",
        f"{MODULES}:456-462; {LOOP}:2565-2612",
        json_type="integer",
        description="Batches each loop step draws before one optimizer update",
    ),
    # legacy: each loop step is one batch, the optimizer steps every n loop steps; -1 = once an epoch
    "gradient_accumulation_steps": KeyInfo(
        1,
        "loop steps per optimizer step",
        f"{MODULES}:456-462; {LOOP}:2565-2612",
        json_type="integer",
        description="Legacy accumulation: the optimizer steps every n loop steps (-1: once an epoch)",
    ),
    "train_unet": KeyInfo(
        True, "flag", f"{MODULES}:400-401", json_type="boolean", description="Train the UNet or transformer"
    ),
    "train_text_encoder": KeyInfo(
        False, "flag", f"{MODULES}:400-401", json_type="boolean", description="Train the text encoder (at train.lr)"
    ),
    "optimizer": KeyInfo(
        "adamw",
        "name",
        f"{MODULES} TrainConfig @f699f4be; toolkit/optimizer.py @016777ac",
        json_type="string",
        description="Optimizer name, matched lower-cased by prefix (adamw, adamw8bit, prodigy, automagic, ...)",
    ),
    "content_or_style": KeyInfo(
        "balanced",
        "name",
        f"{MODULES}:371, :378",
        json_type="string",
        enum=("balanced", "style", "content"),
        description="Timestep weighting: content favours high noise, style low noise",
    ),
    "noise_scheduler": KeyInfo(
        "ddpm",
        "name",
        f"{MODULES} TrainConfig @f699f4be",
        json_type="string",
        description="Noise scheduler for training (ddpm, flowmatch, ...)",
    ),
    "lr_scheduler": KeyInfo(
        "constant",
        "name",
        f"{MODULES} TrainConfig @f699f4be",
        json_type="string",
        description="Learning rate scheduler",
    ),
    "dtype": KeyInfo(
        "fp32",
        "name",
        f"{MODULES} TrainConfig @f699f4be",
        json_type="string",
        description="Training precision (fp32, fp16, bf16)",
    ),
    "gradient_checkpointing": KeyInfo(True, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "disable_sampling": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "skip_first_sample": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "unload_text_encoder": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "cache_text_embeddings": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "linear_timesteps": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "xformers": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "sdp": KeyInfo(False, "flag", f"{MODULES} TrainConfig @f699f4be", json_type="boolean"),
    "noise_offset": KeyInfo(0.0, "number", f"{MODULES} TrainConfig @f699f4be", json_type="number"),
    "min_snr_gamma": KeyInfo(None, "number", f"{MODULES} TrainConfig @f699f4be", json_type=("number", "null")),
    "max_denoising_steps": KeyInfo(999, "number", f"{MODULES} TrainConfig @f699f4be", json_type="integer"),
}
# every TrainConfig key of the versions read; ai-toolkit adds keys often, so a key missing here is
# only reported when it is a near miss of one of these (a typo), never for being unknown alone
TRAIN_KEYS = frozenset(TRAIN) | frozenset(
    {
        "refiner_lr",
        "embedding_lr",
        "adapter_lr",
        "optimizer_params",
        "lr_scheduler_params",
        "expert_1_lr_scheduler",
        "expert_1_lr_scheduler_params",
        "expert_2_lr_scheduler",
        "expert_2_lr_scheduler_params",
        "min_denoising_steps",
        "attention_backend",
        "train_refiner",
        "train_turbo",
        "show_turbo_outputs",
        "snr_gamma",
        "learnable_snr_gos",
        "force_first_sample",
        "weight_jitter",
        "merge_network_on_save",
        "merge_network_on_save_strength",
        "max_grad_norm",
        "start_step",
        "free_u",
        "adapter_assist_name_or_path",
        "adapter_assist_type",
        "noise_multiplier",
        "target_noise_multiplier",
        "random_noise_multiplier",
        "random_noise_shift",
        "img_multiplier",
        "noisy_latent_multiplier",
        "latent_multiplier",
        "negative_prompt",
        "max_negative_prompts",
        "reg_weight",
        "num_train_timesteps",
        "adaptive_scaling_factor",
        "prompt_dropout_prob",
        "match_noise_norm",
        "short_and_long_captions",
        "short_and_long_captions_encoder_split",
        "single_item_batching",
        "match_adapter_assist",
        "match_adapter_chance",
        "loss_target",
        "inverted_mask_prior",
        "inverted_mask_prior_multiplier",
        "diff_output_preservation",
        "diff_output_preservation_multiplier",
        "diff_output_preservation_class",
        "blank_prompt_preservation",
        "blank_prompt_preservation_multiplier",
        "standardize_images",
        "standardize_latents",
        "dynamic_noise_offset",
        "do_cfg",
        "do_random_cfg",
        "cfg_same_prompt",
        "cfg_scale",
        "max_cfg_scale",
        "cfg_rescale",
        "correct_pred_norm",
        "correct_pred_norm_multiplier",
        "loss_type",
        "pred_scaler",
        "prompt_saturation_chance",
        "do_prior_divergence",
        "ema_config",
        "target_norm_std",
        "target_norm_std_value",
        "timestep_type",
        "next_sample_timesteps",
        "linear_timesteps2",
        "do_paramiter_swapping",
        "paramiter_swapping_factor",
        "bypass_guidance_embedding",
        "latent_feature_extractor_path",
        "latent_feature_loss_weight",
        "diffusion_feature_extractor_path",
        "diffusion_feature_extractor_weight",
        "optimal_noise_pairing_samples",
        "force_consistent_noise",
        "blended_blur_noise",
        "do_guidance_loss",
        "guidance_loss_target",
        "unconditional_prompt",
        "switch_boundary_every",
        "text_dropout_rate",
        "text_dropout_rate_negative",
        "image_dropout_rate",
        "image_dropout_rate_negative",
        "do_signal_correction_noise",
        "do_batch_noise_correction",
        "batch_noise_correction_scale",
        "do_signal_amplification",
        "signal_amplification_strength",
        "signal_correction_noise_scale",
        "attention_tanh_softcap_enabled",
        "attention_tanh_softcap_value",
        "attention_f32_rope_enabled",
        "gelu_acceleration_enabled",
    }
)

# --- model ----------------------------------------------------------------------------------

MODEL: dict[str, KeyInfo] = {
    "name_or_path": KeyInfo(
        None,
        "path",
        f"{MODULES}:628",
        json_type="string",
        description="Base model: a Hugging Face id, a folder or a checkpoint file",
    ),
    "arch": KeyInfo(
        None,
        "name",
        f"{MODULES}:623; derived from the flags when unset, :631-644, :706, :766-823",
        json_type="string",
        description="Model architecture (sd1, sdxl, flux, flex1, chroma, qwen_image, wan21, ...; an optional :tag follows); unset: the is_* flags decide",
    ),
    "is_flux": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_xl": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_v2": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_v3": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_lumina2": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_pixart": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_pixart_sigma": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_auraflow": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_ssd": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_vega": KeyInfo(
        False,
        "flag",
        f"{MODULES}:766-823",
        json_type="boolean",
        description="Legacy architecture flag, read when arch is unset",
    ),
    "is_v_pred": KeyInfo(False, "flag", f"{MODULES} ModelConfig @f699f4be", json_type="boolean"),
    "quantize": KeyInfo(
        False,
        "flag",
        f"{MODULES} ModelConfig @f699f4be",
        json_type="boolean",
        description="Quantize the model to 8 bits",
    ),
    "quantize_te": KeyInfo(
        None,
        "flag",
        f"{MODULES} ModelConfig @f699f4be (default: quantize)",
        json_type=("boolean", "null"),
        description="Quantize the text encoder (unset: as quantize)",
    ),
    "low_vram": KeyInfo(False, "flag", f"{MODULES} ModelConfig @f699f4be", json_type="boolean"),
    "dtype": KeyInfo("float16", "name", f"{MODULES} ModelConfig @f699f4be", json_type="string"),
}
MODEL_KEYS = frozenset(MODEL) | frozenset(
    {
        "vae_path",
        "refiner_name_or_path",
        "refiner_start_at",
        "lora_path",
        "assistant_lora_path",
        "inference_lora_path",
        "latent_space_version",
        "use_text_encoder_1",
        "use_text_encoder_2",
        "experimental_xl",
        "use_flux_cfg",
        "text_encoder_bits",
        "unet_path",
        "unet_sample_size",
        "vae_device",
        "vae_dtype",
        "te_device",
        "te_dtype",
        "qtype",
        "qtype_te",
        "attn_masking",
        "ignore_if_contains",
        "only_if_contains",
        "quantize_kwargs",
        "split_model_over_gpus",
        "split_model_other_module_param_count_scale",
        "te_name_or_path",
        "extras_name_or_path",
        "accuracy_recovery_adapter",
        "compile",
        "model_kwargs",
    }
)

# arch (after `flex1` -> `flux` and dropping a `:tag`, config_modules.py:766-823) -> trainlint's family;
# None: a family trainlint has no advice for, named for the note
ARCH_FAMILY: dict[str, BaseModel | None] = {"sd1": "sd-1.5", "sd15": "sd-1.5", "sdxl": "sdxl", "flux": "flux.1"}
ARCH_NAMES = {
    "sd1": "Stable Diffusion 1.x",
    "sd15": "Stable Diffusion 1.5",
    "sd2": "Stable Diffusion 2.x",
    "sd3": "Stable Diffusion 3",
    "sdxl": "SDXL",
    "flux": "FLUX.1",
    "flex1": "Flex.1 (FLUX.1 architecture)",
    "flex2": "Flex.2",
    "flux_kontext": "FLUX.1 Kontext (image editing)",
    "flux2": "FLUX.2",
    "chroma": "Chroma",
    "lumina2": "Lumina Image 2.0",
    "hidream": "HiDream",
    "hidream_e1": "HiDream E1",
    "omnigen2": "OmniGen2",
    "wan21": "Wan 2.1",
    "wan22_14b": "Wan 2.2 14B",
    "wan22_5b": "Wan 2.2 5B",
    "qwen_image": "Qwen-Image",
    "qwen_image_edit": "Qwen-Image-Edit",
    "qwen_image_edit_plus": "Qwen-Image-Edit 2509",
    "pixart": "PixArt",
    "pixart_sigma": "PixArt-Sigma",
    "auraflow": "AuraFlow",
    "vega": "Segmind Vega (distilled SDXL)",
    "ssd": "SSD-1B (distilled SDXL)",
    "cogview4": "CogView4",
    "ltx2": "LTX-2",
}
# with no arch, the legacy flags in this order decide; none set -> sd1 (config_modules.py:766-823)
FLAG_ARCH = (
    ("is_v2", "sd2"),
    ("is_v3", "sd3"),
    ("is_xl", "sdxl"),
    ("is_pixart", "pixart"),
    ("is_pixart_sigma", "pixart_sigma"),
    ("is_auraflow", "auraflow"),
    ("is_flux", "flux"),
    ("is_lumina2", "lumina2"),
    ("is_vega", "vega"),
    ("is_ssd", "ssd"),
)
ARCH_SOURCE = f"{MODULES}:623, :631-644, :706, :766-823; unknown arch strings fall back to the legacy SD class, toolkit/util/get_model.py:44-50"

# --- network --------------------------------------------------------------------------------

NETWORK: dict[str, KeyInfo] = {
    # the section present means a network (LoRA, LoCon, LoKr, ...) is trained; absent -> full fine-tune
    "type": KeyInfo(
        "lora",
        "name",
        f"{MODULES}:169-188; no section -> full fine-tune, {LOOP}:251-253",
        json_type="string",
        description="Network kind (lora, locon, lokr, ...); a process without a network section fine-tunes the whole model",
    ),
    "linear": KeyInfo(None, "rank", f"{MODULES}:169-188", json_type="integer", description="Rank of the linear layers"),
    "linear_alpha": KeyInfo(
        None, "number", f"{MODULES}:169-188", json_type="number", description="Alpha of the linear layers"
    ),
}
NETWORK_KEYS = frozenset(NETWORK) | frozenset(
    {
        "rank",
        "conv",
        "alpha",
        "conv_alpha",
        "dropout",
        "network_kwargs",
        "lorm",
        "transformer_only",
        "lokr_full_rank",
        "lokr_factor",
        "split_multistage_loras",
        "normalize",
    }
)
METHOD_SOURCE = f"{LOOP}:251-253"

# --- datasets -------------------------------------------------------------------------------

DATASET: dict[str, KeyInfo] = {
    "folder_path": KeyInfo(
        None,
        "path",
        f"{MODULES}:921; walked recursively, toolkit/data_loader.py:425-454",
        json_type="string",
        description="Folder of images with sidecar captions, walked recursively",
    ),
    "dataset_path": KeyInfo(
        None,
        "path",
        f"{MODULES} DatasetConfig @f699f4be (wins over folder_path, data_loader.py @a6c70a75)",
        json_type="string",
        description="Dataset path; wins over folder_path",
    ),
    "caption_ext": KeyInfo(
        ".txt", "file suffix", f"{MODULES}:941-944", json_type="string", description="Caption file suffix"
    ),
    "default_caption": KeyInfo(
        None,
        "text",
        f"{MODULES}:941-944",
        json_type=("string", "null"),
        description="Caption of images without a caption file",
    ),
    "num_repeats": KeyInfo(
        1,
        "repeats",
        f"{MODULES}:1002; repeats the file list, toolkit/data_loader.py @a6c70a75",
        json_type="integer",
        description="Times the file list is repeated each epoch",
    ),
    "is_reg": KeyInfo(
        False,
        "flag",
        f"{MODULES}:951",
        json_type="boolean",
        description="Regularisation images: drawn on every other step",
    ),
    "batch_size": KeyInfo(1, "images per batch", f"{MODULES}:918", json_type="integer"),
    "num_frames": KeyInfo(
        1,
        "number",
        f"{MODULES} DatasetConfig @f699f4be (> 1: videos, not images)",
        json_type="integer",
        description="Frames per item (above 1: videos)",
    ),
    "shuffle_tokens": KeyInfo(
        False,
        "flag",
        f"{MODULES} DatasetConfig @f699f4be",
        json_type="boolean",
        description="Shuffle the comma-separated parts of captions",
    ),
    "cache_latents": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "cache_latents_to_disk": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "flip_x": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "flip_y": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "random_crop": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "random_scale": KeyInfo(False, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean"),
    "buckets": KeyInfo(
        True, "flag", f"{MODULES} DatasetConfig @f699f4be", json_type="boolean", description="Aspect ratio buckets"
    ),
    "caption_dropout_rate": KeyInfo(
        0.0,
        "number",
        f"{MODULES} DatasetConfig @f699f4be",
        json_type="number",
        description="Share of steps trained with an empty caption",
    ),
    "trigger_word": KeyInfo(
        None,
        "text",
        f"{MODULES} DatasetConfig @f699f4be",
        json_type=("string", "null"),
        description="Trigger word put into captions",
    ),
}
DATASET_KEYS = frozenset(DATASET) | frozenset(
    {
        "type",
        "random_triggers",
        "random_triggers_max",
        "resolution",
        "scale",
        "bucket_tolerance",
        "network_weight",
        "token_dropout_rate",
        "keep_tokens",
        "augments",
        "control_path",
        "control_transparent_color",
        "inpaint_path",
        "full_size_control_images",
        "alpha_mask",
        "mask_path",
        "unconditional_path",
        "invert_mask",
        "mask_min_value",
        "poi",
        "use_short_captions",
        "cache_clip_vision_to_disk",
        "cache_text_embeddings",
        "standardize_images",
        "augmentations",
        "shuffle_augmentations",
        "caption_type",
        "guidance_type",
        "clip_image_path",
        "clip_image_from_same_folder",
        "clip_image_augmentations",
        "clip_image_shuffle_augmentations",
        "replacements",
        "loss_multiplier",
        "num_workers",
        "prefetch_factor",
        "extra_values",
        "square_crop",
        "replay_transforms",
        "shrink_video_to_frames",
        "fps",
        "debug",
        "controls",
        "fast_image_size",
        "do_i2v",
    }
)
# the images a folder dataset holds: these suffixes (lower-cased), every sub-folder but hidden
# ones and files directly in a `_controls` folder (toolkit/data_loader.py:425-454)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
IMAGE_LIST = "toolkit/data_loader.py:425-454"
SKIPPED_FOLDER = "_controls"
# with a dataset marked is_reg, even-numbered steps (not save or sample steps) draw a reg batch
REG_STEPS = f"{LOOP}:2568-2571"

SAVE_KEYS = frozenset(
    {
        "save_every",
        "dtype",
        "max_step_saves_to_keep",
        "save_format",
        "push_to_hub",
        "hf_repo_id",
        "hf_private",
    }
)
SAMPLE_KEYS = frozenset(
    {
        "sampler",
        "sample_every",
        "width",
        "height",
        "prompts",
        "samples",
        "neg",
        "seed",
        "walk_seed",
        "guidance_scale",
        "sample_steps",
        "network_multiplier",
        "guidance_rescale",
        "format",
        "adapter_conditioning_scale",
        "refiner_start_at",
        "extra_values",
        "num_frames",
        "fps",
        "sample_start_step",
        "do_cfg_norm",
        "sampling_flow_shift",
        "attention_backend",
        "nag_scale",
        "nag_alpha",
        "nag_tau",
    }
)
LOGGING_KEYS = frozenset({"log_every", "verbose", "use_wandb", "use_ui_logger", "project_name", "run_name"})

# the types of the save, sample and logging keys, as SaveConfig, SampleConfig and LogingConfig annotate
# and use them (read at 002279ce); their defaults changed between versions and are not recorded here
_SECTIONS = f"{MODULES} SaveConfig, SampleConfig, LogingConfig (read at 002279ce)"


def _typed(json_type: str, description: str = "") -> KeyInfo:
    return KeyInfo(None, "", _SECTIONS, json_type=json_type, description=description)


SAVE: dict[str, KeyInfo] = {
    "save_every": _typed("integer", "Save the network every this many steps"),
    "max_step_saves_to_keep": _typed("integer", "How many of the step saves to keep"),
    "dtype": _typed("string", "Precision of the saved weights (float16, bf16, ...)"),
}
SAMPLE: dict[str, KeyInfo] = {
    "sampler": _typed("string", "Sampler of the sample images (match train.noise_scheduler)"),
    "sample_every": _typed("integer", "Make sample images every this many steps"),
    "width": _typed("integer"),
    "height": _typed("integer"),
    "prompts": _typed("array", "The prompts of the sample images"),
    "seed": _typed("integer"),
    "walk_seed": _typed("boolean", "Add one to the seed for each prompt"),
    "guidance_scale": _typed("number"),
    "sample_steps": _typed("integer"),
    "network_multiplier": _typed("number"),
    "guidance_rescale": _typed("number"),
    "format": _typed("string", "Image format of the samples (jpg, png, webp)"),
}
LOGGING: dict[str, KeyInfo] = {
    "log_every": _typed("integer"),
    "verbose": _typed("boolean"),
    "use_wandb": _typed("boolean"),
}

# section -> the keys ai-toolkit reads there (see TRAIN_KEYS on what a missing key means)
SECTION_KEYS: dict[str, frozenset[str]] = {
    "train": TRAIN_KEYS,
    "model": MODEL_KEYS,
    "network": NETWORK_KEYS,
    "datasets": DATASET_KEYS,
    "save": SAVE_KEYS,
    "sample": SAMPLE_KEYS,
    "logging": LOGGING_KEYS,
}

# keys of other trainers people bring along, and what ai-toolkit calls them
FOREIGN_KEYS: dict[str, dict[str, str]] = {
    "train": {
        "learning_rate": "lr",
        "max_train_steps": "steps",
        "train_batch_size": "batch_size",
        "optimizer_type": "optimizer",
        "unet_learning_rate": "lr",
        "text_encoder_learning_rate": "lr",
        "num_train_epochs": "steps (ai-toolkit counts steps, not epochs)",
        "max_train_epochs": "steps (ai-toolkit counts steps, not epochs)",
        "epochs": "steps (ai-toolkit counts steps, not epochs)",
        "network_train_unet_only": "train_text_encoder: false",
        "network_dim": "network.linear",
        "network_alpha": "network.linear_alpha",
    },
    "datasets": {
        "caption_extension": "caption_ext",
        "image_dir": "folder_path",
        "train_data_dir": "folder_path",
        "instance_data_dir": "folder_path",
        "repeats": "num_repeats",
        "path": "folder_path",
    },
    "model": {
        "pretrained_model_name_or_path": "name_or_path",
        "model_family": "arch",
        "model_type": "arch",
        "base_model": "name_or_path",
    },
    "network": {"network_dim": "linear", "dim": "linear", "network_alpha": "linear_alpha", "lora_rank": "linear"},
}

# --- optimizers -----------------------------------------------------------------------------

# get_optimizer lower-cases train.optimizer and matches prefixes (toolkit/optimizer.py @016777ac):
# D-Adaptation and Prodigy estimate the step size themselves and take lr as a multiplier (get_optimizer
# uses 1.0 for an lr below 0.1 as the optimizer's default only; the parameter groups carry train.lr);
# Automagic starts every parameter at lr and moves it within [1e-7, 1e-3], forcing a start above 1e-3
# to 1e-6 (toolkit/optimizers/automagic.py @20b3c126)
MULTIPLIER_OPTIMIZERS = ("dadaptation", "prodigy")
SELF_TUNING_OPTIMIZERS = ("automagic",)
OPTIMIZER_SOURCE = (
    "toolkit/optimizer.py:12-54 @016777ac (get_optimizer: a type starting with dadaptation, prodigy8bit or prodigy; "
    "an lr below 0.1 is raised to 1.0 for the optimizer's default)"
)
AUTOMAGIC_SOURCE = "toolkit/optimizers/automagic.py @20b3c126"
AUTOMAGIC_MIN_LR, AUTOMAGIC_MAX_LR, AUTOMAGIC_FORCED_START = 1e-7, 1e-3, 1e-6

# unit -> how a YAML value of that key is meant (for the loader's YAML 1.1 readings)
TEXT_UNITS = frozenset({"text", "path", "name", "file suffix"})
NUMBER_UNITS = frozenset(
    {
        "loop steps",
        "learning rate",
        "learning rate (read, never used)",
        "images per batch",
        "batches per optimizer step",
        "loop steps per optimizer step",
        "number",
        "rank",
        "repeats",
    }
)
# list items that are text wherever they stand (sample.prompts, meta.trigger_words, ...)
TEXT_LISTS = frozenset({"prompts", "trigger_words", "random_triggers", "controls", "augments", "test_img_path"})
TEXT_KEYS = frozenset(
    {
        "name",
        "type",
        "job",
        "device",
        "training_folder",
        "log_dir",
        "neg",
        "prompt",
        "sampler",
        "description",
        "version",
        "filename",
        "output_path",
        "output_folder",
        "input_path",
        "hf_repo_id",
        "project_name",
        "run_name",
        "trigger_word",
    }
)
