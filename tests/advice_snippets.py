"""For every finding message that tells the user what to write instead, a program that does exactly that.

`test_advice_tf.py` runs each one under the pinned TensorFlow (2.21, Keras 3); `test_advice.py` checks that every
such message has one. Each snippet gets `tf`, `np`, `os`, `types` and `d` (a fresh temporary directory) and raises
when the advice does not do what the message says.
"""

from __future__ import annotations

GRAPH = "with tf.Graph().as_default(), tf.compat.v1.Session() as sess:\n"  # prefix for session-code advice

SNIPPETS: dict[str, str] = {
    "contrib.eager.Saver": """
v = tf.Variable([1.0, 2.0], name="v")
saver = tf.compat.v1.train.Saver([v])
path = saver.save(None, os.path.join(d, "s"), global_step=3, write_meta_graph=False)
assert path.endswith("s-3"), path
v.assign([0.0, 0.0])
saver.restore(None, path)
assert np.allclose(v.numpy(), [1.0, 2.0])
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(3), tf.keras.layers.Dense(1)])
saved = [w.numpy() for w in model.variables]
saver = tf.compat.v1.train.Saver({w.path: w.value for w in model.variables})
path = saver.save(None, os.path.join(d, "k"), write_meta_graph=False)
for w in model.variables:
    w.assign(tf.zeros_like(w))
saver.restore(None, path)
assert all(np.allclose(a, w.numpy()) for a, w in zip(saved, model.variables))
""",
    "contrib.eager.restore_variables_on_create": """
class Lazy(tf.Module):
    def __call__(self, x):
        if not hasattr(self, "w"):
            self.w = tf.Variable(tf.ones([2]))
        return x * self.w
m = Lazy(); m(tf.ones([2])); m.w.assign([3.0, 4.0])
path = tf.train.Checkpoint(m).save(os.path.join(d, "r"))
fresh = Lazy()
tf.train.Checkpoint(fresh).restore(path)
fresh(tf.ones([2]))
assert np.allclose(fresh.w.numpy(), [3.0, 4.0])
""",
    "contrib.eager.save_network_checkpoint": """
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
path = tf.train.Checkpoint(model=model).save(os.path.join(d, "net"))
model.save_weights(os.path.join(d, "name.weights.h5"))
fresh = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
assert np.allclose(fresh.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())
fresh.load_weights(os.path.join(d, "name.weights.h5"))
""",
    "contrib.eager.restore_network_checkpoint": """
name_based = tf.Variable([[5.0]], name="my_network/dense/kernel")
path = tf.compat.v1.train.Saver([name_based]).save(None, os.path.join(d, "old"), write_meta_graph=False)
model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1, use_bias=False)])
tf.compat.v1.train.Saver({"my_network/dense/kernel": model.layers[0].kernel.value}).restore(None, path)
assert np.allclose(model.layers[0].kernel.numpy(), [[5.0]])
""",
    "contrib.eager.CheckpointableSaver": """
root = tf.Module(); root.v = tf.Variable(1.0)
tf.train.Checkpoint(root=root).write(os.path.join(d, "w"))
other = tf.Module(); other.v = tf.Variable(0.0)
tf.train.Checkpoint(root=other).read(os.path.join(d, "w")).assert_consumed()
assert other.v.numpy() == 1.0
assert [n for n, _ in tf.train.list_variables(os.path.join(d, "w")) if "VARIABLE_VALUE" in n] == \\
    ["v/.ATTRIBUTES/VARIABLE_VALUE"]
""",
    "contrib.eager.Checkpointable": """
class State(tf.Module):
    def __init__(self):
        super().__init__()
        self.v = tf.Variable(2.0)
path = tf.train.Checkpoint(state=State()).save(os.path.join(d, "c"))
assert "state/v/.ATTRIBUTES/VARIABLE_VALUE" in [n for n, _ in tf.train.list_variables(path)]
""",
    "contrib.checkpoint.CheckpointableBase": """
class State(tf.Module):
    pass
s = State(); s.v = tf.Variable(2.0)
path = tf.train.Checkpoint(s=s).save(os.path.join(d, "b"))
assert "s/v/.ATTRIBUTES/VARIABLE_VALUE" in [n for n, _ in tf.train.list_variables(path)]
""",
    "contrib.checkpoint.CheckpointableObjectGraph": """
path = tf.train.Checkpoint(v=tf.Variable(1.0)).save(os.path.join(d, "g"))
assert tf.train.load_checkpoint(path).get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
assert tf.train.CheckpointView(path).children(0)
""",
    "contrib.checkpoint.NoDependency": """
m = tf.Module(); m.v = tf.Variable(1.0); m.scratch = types.SimpleNamespace(value=tf.Variable(9.0))
path = tf.train.Checkpoint(m=m).save(os.path.join(d, "n"))
names = [n for n, _ in tf.train.list_variables(path)]
assert "m/v/.ATTRIBUTES/VARIABLE_VALUE" in names and not [n for n in names if "scratch" in n]
""",
    "contrib.checkpoint.split_dependency": """
first, second = tf.Variable([1.0]), tf.Variable([2.0])
path = tf.train.Checkpoint(first=first, second=second).save(os.path.join(d, "s"))
a, b = tf.Variable([0.0]), tf.Variable([0.0])
tf.train.Checkpoint(first=a, second=b).restore(path).assert_consumed()
assert np.allclose(tf.concat([a, b], 0).numpy(), [1.0, 2.0])
""",
    "contrib.checkpoint.List": """
m = tf.Module(); m.metrics = [tf.Variable(1.0), tf.Variable(2.0)]
path = tf.train.Checkpoint(m=m).save(os.path.join(d, "l"))
assert "m/metrics/0/.ATTRIBUTES/VARIABLE_VALUE" in [n for n, _ in tf.train.list_variables(path)]
""",
    "contrib.checkpoint.Mapping": """
m = tf.Module(); m.table = {"a": tf.Variable(1.0)}; m.table["b"] = tf.Variable(2.0)
path = tf.train.Checkpoint(m=m).save(os.path.join(d, "m"))
names = [n for n, _ in tf.train.list_variables(path)]
assert "m/table/a/.ATTRIBUTES/VARIABLE_VALUE" in names and "m/table/b/.ATTRIBUTES/VARIABLE_VALUE" in names
""",
    "contrib.checkpoint.UniqueNameTracker": """
m = tf.Module(); m.tracked = {"x": tf.Variable(1.0), "x_1": tf.Variable(2.0)}
path = tf.train.Checkpoint(m=m).save(os.path.join(d, "u"))
assert "m/tracked/x_1/.ATTRIBUTES/VARIABLE_VALUE" in [n for n, _ in tf.train.list_variables(path)]
""",
    "contrib.checkpoint.NumpyState": """
import io
class Array(tf.train.experimental.PythonState):
    def __init__(self, value):
        self.value = value
    def serialize(self):
        buffer = io.BytesIO(); np.save(buffer, self.value, allow_pickle=False); return buffer.getvalue()
    def deserialize(self, string_value):
        self.value = np.load(io.BytesIO(string_value), allow_pickle=False)
path = tf.train.Checkpoint(a=Array(np.arange(3))).save(os.path.join(d, "np"))
fresh = Array(np.zeros(3))
tf.train.Checkpoint(a=fresh).restore(path).assert_consumed()
assert np.array_equal(fresh.value, np.arange(3))
""",
    "contrib.checkpoint.list_objects": """
root = tf.Module(); root.child = tf.Module(); root.child.v = tf.Variable(1.0)
assert len(tf.train.TrackableView(root).descendants()) >= 3
""",
    "contrib.checkpoint.object_metadata": """
path = tf.train.Checkpoint(v=tf.Variable(1.0)).save(os.path.join(d, "o"))
assert tf.train.CheckpointView(path).descendants()
""",
    "contrib.checkpoint.capture_dependencies": """
template = tf.compat.v1.make_template(
    "dense", lambda x: x * tf.compat.v1.get_variable("w", [], initializer=tf.ones_initializer()))
assert float(template(tf.constant(2.0))) == 2.0
""",
    "contrib.checkpoint.dot_graph_from_checkpoint": """
path = tf.train.Checkpoint(v=tf.Variable(1.0)).save(os.path.join(d, "dot"))
assert tf.train.CheckpointView(path).children(0)
""",
    "contrib.framework.get_variables_to_restore": GRAPH + """
    keep = tf.compat.v1.get_variable("encoder/w", [], initializer=tf.ones_initializer())
    skip = tf.compat.v1.get_variable("head/w", [], initializer=tf.ones_initializer())
    variables = [v for v in tf.compat.v1.global_variables() if v.op.name.startswith("encoder/")]
    assert variables == [keep]
    sess.run(tf.compat.v1.global_variables_initializer())
    tf.compat.v1.train.Saver(variables).save(sess, os.path.join(d, "enc"), write_meta_graph=False)
""",
    "contrib.framework.assign_from_checkpoint": GRAPH + """
    v = tf.compat.v1.get_variable("w", [], initializer=tf.constant_initializer(3.0))
    sess.run(v.initializer)
    path = tf.compat.v1.train.Saver([v]).save(sess, os.path.join(d, "a"), write_meta_graph=False)
    sess.run(v.assign(0.0))
    tf.compat.v1.train.Saver({"w": v}).restore(sess, path)
    assert sess.run(v) == 3.0
""",
    "contrib.framework.assign_from_checkpoint_fn": GRAPH + """
    v = tf.compat.v1.get_variable("w", [], initializer=tf.constant_initializer(4.0))
    sess.run(v.initializer)
    path = tf.compat.v1.train.Saver([v]).save(sess, os.path.join(d, "f"), write_meta_graph=False)
    sess.run(v.assign(0.0))
    var_list = [v]
    saver = tf.compat.v1.train.Saver(var_list)
    init_fn = lambda sess: saver.restore(sess, path)
    init_fn(sess)
    assert sess.run(v) == 4.0
    in_checkpoint = {name for name, _ in tf.train.list_variables(path)}
    assert [x for x in var_list if x.op.name in in_checkpoint] == [v]
""",
    "contrib.saved_model.save_keras_model": """
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
assert model.export(os.path.join(d, "exported")) is None
assert tf.saved_model.save(model, os.path.join(d, "saved")) is None
model.save(os.path.join(d, "model.keras"))
assert tf.keras.models.load_model(os.path.join(d, "model.keras")).layers
""",
    "contrib.saved_model.load_keras_model": """
import keras
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
model.export(os.path.join(d, "exported"))
layer = keras.layers.TFSMLayer(os.path.join(d, "exported"), call_endpoint="serving_default")
x = tf.ones([1, 2])
out = layer(x)
out = next(iter(out.values())) if isinstance(out, dict) else out
assert np.allclose(out.numpy(), model(x).numpy(), atol=1e-6)
assert tf.saved_model.load(os.path.join(d, "exported")) is not None
""",
    "contrib.framework.init_from_checkpoint": """
v = tf.Variable(7.0, name="w")
path = tf.compat.v1.train.Saver({"w": v}).save(None, os.path.join(d, "i"), write_meta_graph=False)
fresh = tf.Variable(0.0)
tf.compat.v1.train.Saver({"w": fresh}).restore(None, path)
assert fresh.numpy() == 7.0
""",
    "contrib.training.wait_for_new_checkpoint": """
path = tf.train.Checkpoint(v=tf.Variable(1.0)).save(os.path.join(d, "ckpt"))
assert next(tf.train.checkpoints_iterator(d, timeout=1), None) == path
""",
}
SNIPPETS["contrib.checkpoint.Checkpointable"] = SNIPPETS["contrib.eager.Checkpointable"]


# The rest of tf.contrib.eager (tfe.py r1.15): the snippets tfe_members research ran under TF 2.21.
SNIPPETS.update({
    "contrib.eager.metrics": (
        "m = tf.keras.metrics.Mean(dtype='float64'); m.update_state([1.0, 3.0]); print(float(m.result()))"),
    "contrib.eager.list_devices": (
        "print([d.name for d in tf.config.list_logical_devices()])"),
    "contrib.eager.num_gpus": (
        "print(len(tf.config.list_physical_devices('GPU')))"),
    "contrib.eager.defun": (
        "f = tf.function(lambda x: x * 2); print(int(f(tf.constant(3))))"),
    "contrib.eager.implicit_gradients": (
        "v = tf.Variable(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    loss = v * v\n"
        "print(list(zip([float(g) for g in t.gradient(loss, [v])], [v.name])))"),
    "contrib.eager.implicit_value_and_gradients": (
        "v = tf.Variable(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    loss = v * v\n"
        "print(float(loss), [float(g) for g in t.gradient(loss, [v])])"),
    "contrib.eager.gradients_function": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = x * x\n"
        "print(float(t.gradient(y, x)))"),
    "contrib.eager.value_and_gradients_function": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = x * x\n"
        "print(float(y), float(t.gradient(y, x)))"),
    "contrib.eager.enable_remote_eager_execution": (
        "server = tf.distribute.Server.create_local_server()\n"
        "tf.config.experimental_connect_to_cluster(tf.train.ClusterSpec({'worker': "
        "[server.target[len('grpc://'):]]}))\n"
        "with tf.device('/job:worker/replica:0/task:0/device:CPU:0'):\n"
        "    print(float(tf.constant(2.0) * 3))"),
    "contrib.eager.add_execution_callback": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.clear_execution_callbacks": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.errstate": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.ExecutionCallback": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.inf_callback": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.inf_nan_callback": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.nan_callback": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.seterr": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"),
    "contrib.eager.Iterator": (
        "it = iter(tf.data.Dataset.range(3)); print(int(next(it)))\n"
        "p = tf.train.Checkpoint(it=it).save(os.path.join(d, 'it')); print(sorted(n for n, _ in "
        "tf.train.list_variables(p)))"),
    "contrib.eager.EagerVariableStore": (
        "class Dense(tf.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.w = tf.Variable(tf.ones([2, 2]), name='w')\n"
        "    def __call__(self, x):\n"
        "        return x @ self.w\n"
        "m = Dense(); m(tf.ones([1, 2])); print([v.name for v in m.variables])"),
    "contrib.eager.Network": (
        "class Net(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.d = tf.keras.layers.Dense(1)\n"
        "    def call(self, x):\n"
        "        return self.d(x)\n"
        "n = Net(); print(n(tf.ones([1, 2])).shape)"),
    "contrib.eager.Sequential": (
        "s = tf.keras.Sequential([tf.keras.layers.Dense(2), tf.keras.layers.Lambda(lambda x: x * 2)]); "
        "print(s(tf.ones([1, 3])).shape)"),
    "contrib.eager.set_execution_mode": (
        "tf.config.experimental.set_synchronous_execution(False); "
        "tf.config.experimental.set_synchronous_execution(True); print('ok')"),
    "contrib.eager.execution_mode": (
        "tf.config.experimental.set_synchronous_execution(False)\n"
        "x = tf.constant(1.0) + 1\n"
        "tf.config.experimental.set_synchronous_execution(True); print(float(x))"),
    "contrib.eager.async_wait": (
        "tf.test.experimental.sync_devices(); print('ok')"),
    "contrib.eager.set_server_def": (
        "server = tf.distribute.Server.create_local_server()\n"
        "tf.config.experimental_connect_to_cluster(tf.train.ClusterSpec({'worker': "
        "[server.target[len('grpc://'):]]}))\n"
        "print(len(tf.config.list_logical_devices()) > 1)"),
    "contrib.eager.run_test_in_graph_and_eager_modes": (
        "class T(tf.test.TestCase):\n"
        "    def test_add(self):\n"
        "        self.assertAllEqual(tf.function(lambda: tf.constant(1) + 1)(), 2)\n"
        "import io, unittest\n"
        "r = unittest.TextTestRunner(stream=io.StringIO()).run(unittest.defaultTestLoader.loadTestsFromTestCa"
        "se(T)); assert r.wasSuccessful()"),
    "contrib.eager.run_all_tests_in_graph_and_eager_modes": (
        "class T(tf.test.TestCase):\n"
        "    def test_add(self):\n"
        "        self.assertAllEqual(tf.constant(1) + 1, 2)\n"
        "import io, unittest\n"
        "r = unittest.TextTestRunner(stream=io.StringIO()).run(unittest.defaultTestLoader.loadTestsFromTestCa"
        "se(T)); assert r.wasSuccessful()"),
    "contrib.eager.DEVICE_PLACEMENT_EXPLICIT": (
        "tf.config.experimental.set_device_policy('explicit'); "
        "print(tf.config.experimental.get_device_policy()); tf.config.experimental.set_device_policy(None)"),
    "contrib.eager.DEVICE_PLACEMENT_WARN": (
        "tf.config.experimental.set_device_policy('warn'); print(tf.config.experimental.get_device_policy());"
        " tf.config.experimental.set_device_policy(None)"),
    "contrib.eager.DEVICE_PLACEMENT_SILENT": (
        "tf.config.experimental.set_device_policy('silent'); "
        "print(tf.config.experimental.get_device_policy()); tf.config.experimental.set_device_policy(None)"),
    "contrib.eager.SYNC": (
        "tf.config.experimental.set_synchronous_execution(True); "
        "tf.config.experimental.set_synchronous_execution(True); print('ok')"),
    "contrib.eager.ASYNC": (
        "tf.config.experimental.set_synchronous_execution(False); "
        "tf.config.experimental.set_synchronous_execution(True); print('ok')"),
    "contrib.eager.metrics.Metric": (
        "class Total(tf.keras.metrics.Metric):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.t = self.add_variable(shape=(), initializer='zeros', name='t')\n"
        "    def update_state(self, x):\n"
        "        self.t.assign_add(tf.reduce_sum(x))\n"
        "    def result(self):\n"
        "        return self.t\n"
        "m = Total(); m.update_state([1.0, 2.0]); print(float(m.result()))"),
    "contrib.eager.metrics.Mean": (
        "m = tf.keras.metrics.Mean(dtype='float64'); m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, "
        "1, 0, 0]); print(float(m.result()))"),
    "contrib.eager.metrics.Accuracy": (
        "m = tf.keras.metrics.Accuracy(dtype='float64'); m.update_state([1, 2, 3, 4], [0, 2, 3, 4]); "
        "print(float(m.result()))"),
    "contrib.eager.metrics.CategoricalAccuracy": (
        "m = tf.keras.metrics.CategoricalAccuracy(dtype='float64'); m.update_state([[0, 1], [1, 0]], [[0.2, "
        "0.8], [0.3, 0.7]]); print(float(m.result()))"),
    "contrib.eager.metrics.BinaryAccuracy": (
        "m = tf.keras.metrics.BinaryAccuracy(threshold=0.5, dtype='float64'); m.update_state([1, 0], [0.9, "
        "0.7]); print(float(m.result()))"),
    "contrib.eager.metrics.SparseAccuracy": (
        "m = tf.keras.metrics.SparseCategoricalAccuracy(dtype='float64'); m.update_state([1, 0], [[0.2, 0.8],"
        " [0.3, 0.7]]); print(float(m.result()))"),
})
