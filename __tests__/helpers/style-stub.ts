const styleStub = {};

export default styleStub;
